"""API models of inspection tasks and key inspections."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.inspection.directory.schemas import Strict, Uscc
from shared.contracts.codes import TaskKind
from shared.contracts.dates import Timestamp

Id = Annotated[str, StringConstraints(min_length=1, max_length=36)]


class TaskOut(BaseModel):
    id: str
    kind: TaskKind
    plan_id: str | None
    uscc: str
    departments: list[str]
    item_ids: list[str]
    inspector_ids: list[str]
    unassigned_reason: str | None
    stratum: str | None
    reason: str | None = Field(description="Why a key inspection was ordered")
    alert_id: str | None
    created_at: Timestamp

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
