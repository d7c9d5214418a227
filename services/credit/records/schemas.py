"""API models of credit records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from services.credit.subjects.schemas import USCC_EXAMPLE, Strict
from shared.contracts.codes import InspectionOutcome, PenaltyKind, RecordKind, Severity
from shared.contracts.dates import record_date_in_force

R = RecordKind
# The kinds a department files itself; list entries and exits are written by credit's own rules.
ApiRecordKind = Literal[R.LICENCE, R.PENALTY, R.INSPECTION_RESULT, R.COMMITMENT_KEPT, R.COMMITMENT_BROKEN,
                        R.COMPLAINT_UPHELD, R.HONOUR]


class RecordCreate(Strict):
    """A credit record filed by a department on a matter of its own supervision matter list."""

    kind: ApiRecordKind = Field(examples=["penalty"])
    matter_code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9]+-[0-9]{3}$",
                             description="supervision matter of the filing department", examples=["scjgj-001"])
    legal_basis: str = Field(min_length=1, max_length=2000, examples=["Food Safety Law art. 124"])
    decision_date: date = Field(examples=["2026-10-12"], description="penalties, licences and inspection results: "
                                "from 2021-09-01, the first day their publicity rules are in force")
    summary: str = Field("", max_length=4000, examples=["sold food past its shelf life"])
    severity: Severity | None = Field(None, description="penalties: required",
                                                                     examples=["general"])
    penalty_kind: PenaltyKind | None = Field(None, description="penalties: the heaviest kind imposed",
                                             examples=["fine"])
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, examples=["50000.00"])
    restriction_end: date | None = Field(None, description="end of a business or employment restriction")
    outcome: InspectionOutcome | None = Field(
        None, description="inspection results: required", examples=["passed"])
    source_ref: str | None = Field(None, max_length=120, description="the source document, e.g. a decision number",
                                   examples=["沪市监处〔2026〕123号"])

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{
        "kind": "penalty", "matter_code": "scjgj-001", "legal_basis": "Food Safety Law art. 124",
        "decision_date": "2026-10-12", "summary": "sold food past its shelf life", "severity": "general",
        "penalty_kind": "fine", "amount": "50000.00", "source_ref": "沪市监处〔2026〕123号"}]})

    @field_validator("decision_date")
    @classmethod
    def _judged_by_rules_in_force(cls, day: date, info: ValidationInfo) -> date:
        return record_date_in_force(info.data.get("kind"), day)

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
    acting_body: str | None = Field(None, description="entrusted enforcement: the body that acted, in the name of "
                                                      "`department` (the entrusting department)")


class RecordPage(BaseModel):
    items: list[RecordOut]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page; null on the last", examples=["eyJ1IjoiOTEzMTAwMDBNQTFGTDhUUTEwIn0"])
