"""API models of inspection results and their evidence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.inspection.directory.schemas import Strict
from services.inspection.tasks.schemas import Id
from shared.contracts.codes import InspectionOutcome
from shared.contracts.dates import LegalDate

Outcome = InspectionOutcome


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
    inspected_on: LegalDate
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
