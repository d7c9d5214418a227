"""API models of decisions and the discretion benchmark."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.casework.cases.schemas import USCC, Page, Strict
from services.casework.rules.penalties import DecisionKind, PenaltyKind
from shared.contracts.codes import RevocationKind, Severity, ViolationType
from shared.contracts.dates import LegalDate, Timestamp

CENT = Decimal("0.01")
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e11"), decimal_places=2), AfterValidator(lambda v: v.quantize(CENT))]


class DiscretionFactsIn(Strict):
    """Facts that move a case between discretion bands (APL arts. 32-33)."""

    minor: bool = Field(False, description="The violation is minor in nature (exemption list)")
    first_offence: bool | None = Field(
        None, description="Ignored when a USCC is known: the service's own record of decisions decides")
    corrected_promptly: bool = False
    harm: Literal["none", "minor", "general", "serious"] = "general"
    no_fault: bool = False
    eliminated_harm: bool = False
    coerced: bool = False
    voluntarily_reported: bool = False
    meritorious: bool = False
    repeat: bool = False
    obstructed: bool = False

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "minor": True, "corrected_promptly": True, "harm": "none"}]})


class RecommendationRequest(DiscretionFactsIn):
    uscc: USCC | None = Field(None, description="Party, for the first-offence check")
    as_of: LegalDate | None = None


class RecommendationOut(BaseModel):
    violation_type: str
    band: str
    min_amount: Decimal
    max_amount: Decimal
    reasons: list[str]
    mandatory_no_penalty: bool
    may_waive: bool
    if_not_waived: str | None
    education_required: bool
    first_offence: bool
    first_offence_source: Literal["record", "caller"]
    table_version: str
    sample_table: bool
    department: str = Field(description="the department whose published benchmark this is")
    legal_basis: str
    statutory_min: Decimal = Field(description="the lowest fine the law allows (below it only when mitigated)")
    statutory_max: Decimal = Field(description="the highest fine the law allows; nothing above is lawful")


class BandOut(BaseModel):
    band: str
    min_amount: Decimal
    max_amount: Decimal


class ViolationBenchmarkOut(BaseModel):
    code: str = Field(examples=["food_labelling"])
    name: str
    legal_basis: str
    statutory_min: Decimal
    statutory_max: Decimal
    bands: list[BandOut]


class BenchmarkTableOut(BaseModel):
    department: str = Field(examples=["scjgj"])
    version: str = Field(examples=["scjgj-sample-2021.09"])
    effective: date
    sample: bool = Field(description="true: illustrative sample data, not a department's adopted benchmark")
    violations: list[ViolationBenchmarkOut]


class BenchmarkList(BaseModel):
    as_of: date
    items: list[BenchmarkTableOut]


class DecisionCreate(Strict):
    case_id: str = Field(min_length=1, max_length=36)
    decision_kind: Literal[DecisionKind.PENALTY, DecisionKind.NO_PENALTY_MINOR,
                           DecisionKind.NO_PENALTY_FACTS_NOT_ESTABLISHED]
    penalty_kinds: list[PenaltyKind] = Field(default_factory=list, max_length=10)
    fine_amount: Amount = Decimal("0.00")
    confiscation_amount: Amount = Decimal("0.00")
    legal_basis: str = Field(min_length=1, max_length=2000, examples=["Food Safety Law art. 125(1)(2)"])
    violation_type: ViolationType | None = None
    facts: DiscretionFactsIn = Field(default_factory=DiscretionFactsIn)
    education_given: str | None = Field(
        None, min_length=1, max_length=4000,
        description="Required when no penalty is imposed: how the party was educated (APL art. 33(3))")
    severity: Severity | None = Field(
        None, description="Default: from the discretion band")
    lifelong_ban: bool = False
    decided_on: LegalDate | None = None
    summary: str = Field("", max_length=4000)
    band_departure_reason: str | None = Field(
        None, min_length=1, max_length=4000,
        description="Required when the fine lies outside the recommended band of the department's published "
                    "benchmark (within the statutory range); such a decision also needs a passed legal review")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "case_id": "0192f0c2-7c1e-7a3b-9d7e-1c2b3a4d5e6f", "decision_kind": "penalty",
        "penalty_kinds": ["warning", "fine"], "fine_amount": "20000.00",
        "legal_basis": "Food Safety Law art. 125(1)(2)", "facts": {"harm": "general"},
        "summary": "Sold prepackaged food without production date"}]})


class DecisionOut(BaseModel):
    id: str
    case_id: str
    decision_number: str
    department: str
    uscc: str | None
    party_name: str
    party_kind: str
    violation_type: str
    decision_kind: str
    penalty_kinds: list[str]
    fine_amount: Decimal
    confiscation_amount: Decimal
    severity: str
    lifelong_ban: bool
    legal_basis: str
    matter_code: str | None
    decided_on: date
    publishable: bool
    summary: str
    discretion: dict[str, Any]
    education_given: str | None
    service_due: date
    service_due_provisional: bool = Field(
        description="service_due was counted with a year whose holiday schedule is not loaded: it may still move",
        examples=[False])
    served_on: date | None
    payment_due: date | None
    paid_on: date | None
    paid_amount: Decimal | None
    late_fee: Decimal | None
    status: str
    revoked_on: date | None
    revoke_reason: str | None
    withdrawal_due: date | None
    withdrawal_due_provisional: bool = Field(
        description="withdrawal_due was counted with a year whose holiday schedule is not loaded: it may still move",
        examples=[False])
    replaces_id: str | None = Field(None, description="the changed decision this one replaces (its new version)")
    replaced_by_id: str | None = Field(None, description="status changed: the decision that replaced this one")
    created_at: Timestamp


class DecisionPage(Page):
    items: list[DecisionOut]


class Serve(Strict):
    served_on: LegalDate | None = None

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"served_on": "2026-03-12"}]})


class Payment(Strict):
    paid_on: LegalDate | None = None
    amount: Amount = Field(gt=0)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"amount": "20000.00"}]})


class DecisionChange(DecisionCreate):
    """The new version of a decision: the old one is withdrawn (3 working days), this one published."""

    case_id: str | None = Field(None, max_length=36, description="ignored: the changed decision's case")
    change_reason: str = Field(min_length=1, max_length=2000,
                               examples=["fine reduced on administrative reconsideration"])


class Revoke(Strict):
    kind: RevocationKind = RevocationKind.REVOKED
    reason: str = Field(min_length=1, max_length=2000, examples=["annulled on administrative reconsideration"])
    on: LegalDate | None = None

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "kind": "revoked", "reason": "annulled on administrative reconsideration"}]})
