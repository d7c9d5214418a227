"""API models of credit records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.credit.subjects.schemas import USCC_EXAMPLE, Strict

ApiRecordKind = Literal["licence", "penalty", "inspection_result", "commitment_kept", "commitment_broken",
                        "complaint_upheld", "honour"]
PenaltyKind = Literal["warning", "circulated_criticism", "fine", "confiscation", "suspension",
                      "licence_revocation", "business_restriction", "employment_restriction"]
RecordKind = Literal["licence", "licence_commitment", "penalty", "inspection_result", "commitment_kept",
                     "commitment_broken", "complaint_upheld", "honour", "abnormal_entry", "abnormal_exit",
                     "serious_entry", "serious_exit"]


class RecordCreate(Strict):
    """A credit record filed by a department on a matter of its own supervision matter list."""

    kind: ApiRecordKind = Field(examples=["penalty"])
    matter_code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9]+-[0-9]{3}$",
                             description="supervision matter of the filing department", examples=["scjgj-001"])
    legal_basis: str = Field(min_length=1, max_length=2000, examples=["Food Safety Law art. 124"])
    decision_date: date = Field(examples=["2026-10-12"])
    summary: str = Field("", max_length=4000, examples=["sold food past its shelf life"])
    severity: Literal["minor", "general", "serious"] | None = Field(None, description="penalties: required",
                                                                     examples=["general"])
    penalty_kind: PenaltyKind | None = Field(None, description="penalties: the heaviest kind imposed",
                                             examples=["fine"])
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, examples=["50000.00"])
    restriction_end: date | None = Field(None, description="end of a business or employment restriction")
    outcome: Literal["passed", "corrected", "problems", "not_found"] | None = Field(
        None, description="inspection results: required", examples=["passed"])
    source_ref: str | None = Field(None, max_length=120, description="the source document, e.g. a decision number",
                                   examples=["沪市监处〔2026〕123号"])

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{
        "kind": "penalty", "matter_code": "scjgj-001", "legal_basis": "Food Safety Law art. 124",
        "decision_date": "2026-10-12", "summary": "sold food past its shelf life", "severity": "general",
        "penalty_kind": "fine", "amount": "50000.00", "source_ref": "沪市监处〔2026〕123号"}]})

    @model_validator(mode="after")
    def _kind_fields(self) -> RecordCreate:
        if self.kind == "penalty" and (self.severity is None or self.penalty_kind is None):
            raise ValueError("a penalty needs severity and penalty_kind")
        if self.kind == "inspection_result" and self.outcome is None:
            raise ValueError("an inspection result needs outcome")
        return self


class RecordOut(BaseModel):
    id: str
    uscc: str = Field(examples=[USCC_EXAMPLE])
    kind: str
    department: str
    matter_code: str | None
    legal_basis: str | None
    decision_date: date
    summary: str
    severity: str | None
    outcome: str | None
    penalty_kind: str | None
    amount: Decimal | None
    restriction_end: date | None
    publicity_start: date | None = Field(description="publicity window on the national enterprise credit "
                                                     "publicity system; end == start: not published")
    publicity_end: date | None
    publicity_rule_version: str | None
    status: str = Field(description="active | revoked | repaired", examples=["active"])
    status_on: date | None
    under_objection: bool
    source_ref: str | None


class RecordPage(BaseModel):
    items: list[RecordOut]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page; null on the last", examples=["eyJ1IjoiOTEzMTAwMDBNQTFGTDhUUTEwIn0"])
