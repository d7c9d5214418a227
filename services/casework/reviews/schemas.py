"""API models of legal reviews."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from services.casework.cases.schemas import Page, Strict
from shared.contracts.dates import Timestamp


class ReviewOut(BaseModel):
    id: str
    case_id: str
    department: str
    status: str
    reasons: list[str]
    thresholds_version: str
    submitted_by: str
    submitted_at: Timestamp
    reviewer_id: str | None
    opinion: str | None
    decided_at: Timestamp | None


class ReviewPage(Page):
    items: list[ReviewOut]


class ReviewVerdict(Strict):
    opinion: str = Field(min_length=1, max_length=4000, examples=["facts clear, basis correct, procedure lawful"])

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "opinion": "facts clear, basis correct, procedure lawful"}]})
