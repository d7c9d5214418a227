"""API models of tasks, key inspections, results and the object history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.inspection.schemas_lists import Strict, Uscc

Outcome = Literal["passed", "corrected_on_spot", "problems_found", "not_found"]
Id = Annotated[str, StringConstraints(min_length=1, max_length=36)]


class TaskOut(BaseModel):
    id: str
    kind: Literal["random", "key"]
    plan_id: str | None
    uscc: str
    departments: list[str]
    item_ids: list[str]
    inspector_ids: list[str]
    unassigned_reason: str | None
    stratum: str | None
    reason: str | None = Field(description="Why a key inspection was ordered")
    alert_id: str | None
    created_at: datetime

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        "id": "01936a91-0000-7000-8000-000000000002", "kind": "key", "plan_id": None, "uscc": "91310000MA1FL4QT5X",
        "departments": ["scjgj"], "item_ids": ["01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e3f"],
        "inspector_ids": ["01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e40", "01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e41"],
        "unassigned_reason": None, "stratum": None, "reason": "complaints about food hygiene",
        "alert_id": None, "created_at": "2026-04-02T02:00:00Z"}]})


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_cursor: str | None = None


class KeyInspectionIn(Strict):
    uscc: Uscc = Field(examples=["91310000MA1FL4QT5X"])
    item_ids: list[Id] = Field(min_length=1, max_length=50, description="Key items of the caller's department")
    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000, strip_whitespace=True)] = Field(
        examples=["repeated complaints about food hygiene (12345 work orders)"])

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "uscc": "91310000MA1FL4QT5X", "item_ids": ["01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e3f"],
        "reason": "repeated complaints about food hygiene (12345 work orders)"}]})


class Evidence(Strict):
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="SHA-256 of the file, lowercase hex", examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
    filename: Annotated[str, StringConstraints(min_length=1, max_length=255)] = Field(examples=["kitchen.jpg"])
    media_type: Annotated[str, StringConstraints(pattern=r"^[a-z]+/[A-Za-z0-9.+-]{1,100}$")] = Field(
        examples=["image/jpeg"])
    size_bytes: int = Field(ge=0, le=10**12, examples=[284311])
    taken_at: datetime | None = None
    description: Annotated[str, StringConstraints(max_length=500)] = ""


class ResultIn(Strict):
    task_id: Id
    item_id: Id
    outcome: Outcome = Field(description="passed | corrected_on_spot | problems_found (case lead) | "
                                         "not_found (not at the registered address)")
    problems: Annotated[str, StringConstraints(max_length=5000)] = ""
    inspected_on: date
    evidence: list[Evidence] = Field(default_factory=list, max_length=100)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "task_id": "01936a91-0000-7000-8000-000000000002", "item_id": "01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e3f",
        "outcome": "problems_found", "problems": "expired food in the cold store", "inspected_on": "2026-04-08",
        "evidence": [{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                      "filename": "cold-store.jpg", "media_type": "image/jpeg", "size_bytes": 284311}]}]})


class ResultOut(BaseModel):
    id: str
    task_id: str
    plan_id: str | None
    uscc: str
    item_id: str
    item_code: str
    department: str
    outcome: str
    problems: str
    inspected_on: date
    evidence: list[dict[str, Any]]
    recorded_by: str
    publication_due: date = Field(description="20 working days after the inspection")
    publication_due_provisional: bool
    published_on: date | None
    overdue: bool = Field(description="Not published and past its publication deadline")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01936a92-0000-7000-8000-000000000003", "task_id": "01936a91-0000-7000-8000-000000000002",
        "plan_id": None, "uscc": "91310000MA1FL4QT5X", "item_id": "01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e3f",
        "item_code": "SCJG-SP-001", "department": "scjgj", "outcome": "problems_found",
        "problems": "expired food in the cold store", "inspected_on": "2026-04-08",
        "evidence": [{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                      "filename": "cold-store.jpg", "media_type": "image/jpeg", "size_bytes": 284311}],
        "recorded_by": "01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e40", "publication_due": "2026-05-08",
        "publication_due_provisional": False, "published_on": None, "overdue": False}]})


class ResultPage(BaseModel):
    items: list[ResultOut]
    next_cursor: str | None = None


class HistoryOut(BaseModel):
    id: str = Field(description="Orders the steps; opaque")
    step: str = Field(description="planned | committed | draw_completed | drawn | assigned | assignment_failed | "
                                  "key_task_created | result_recorded | published")
    uscc: str | None
    plan_id: str | None
    actor: str | None
    at: datetime
    detail: dict[str, Any]

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        "id": "01936a93-0000-7000-8000-000000000004", "step": "drawn", "uscc": "91310000MA1FL4QT5X",
        "plan_id": "01936a90-0000-7000-8000-000000000001", "actor": "scjgj-admin", "at": "2026-04-01T02:00:00Z",
        "detail": {"stratum": "B"}}]})


class HistoryPage(BaseModel):
    items: list[HistoryOut]
    next_cursor: str | None = None
