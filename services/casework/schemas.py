"""API models of cases, their steps, legal reviews and the whole-process record (apart from models.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.casework.rules.clocks import SuspensionReason
from services.casework.rules.penalties import EvidenceType, PenaltyKind
from shared.identifiers import validate_uscc

USCC = Annotated[str, Field(min_length=18, max_length=18, examples=["91310000MA1FL0001R"],
                            description="Unified social credit code (GB 32100-2015)"),
                 AfterValidator(validate_uscc)]
Note = Annotated[str, Field(max_length=2000, description="Free text for the record")]
OfficerId = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[\w.@:-]+$",
                                 description="Enforcement officer's id (their platform client id)")]
DepartmentCode = Annotated[str, Field(min_length=2, max_length=32, pattern=r"^[a-z0-9_-]+$", examples=["yjj"])]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the file, 64 hex digits",
                              examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(BaseModel):
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last")


# ---------------------------------------------------------------------------- leads and cases


class LeadCreate(Strict):
    """A lead an officer records by hand (others come from inspections, complaints, transfers, alerts)."""

    matter_code: str | None = Field(None, max_length=32, examples=["scjgj-001"])
    uscc: USCC | None = None
    party_name: str = Field(min_length=1, max_length=200, examples=["上海某某食品有限公司"])
    party_kind: Literal["organisation", "person"] = "organisation"
    violation_type: str | None = Field(None, max_length=64, examples=["food_labelling"],
                                       description="A violation type of the discretion benchmark")
    summary: str = Field(min_length=1, max_length=4000, examples=["Prepackaged biscuits without production date"])
    received_on: date | None = Field(None, description="Day the lead was found or received (default today)")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "matter_code": "scjgj-001", "uscc": "91310000MA1FL0001R", "party_name": "上海某某食品有限公司",
        "violation_type": "food_labelling", "summary": "Prepackaged biscuits without production date",
    }]})


class CasePatch(Strict):
    """Facts that change how the case must be handled."""

    suspected_crime: bool | None = Field(None, description="Set: the case must go to judicial organs (APL art. 27)")
    major_public_interest: bool | None = None
    complex_case: bool | None = None
    violation_type: str | None = Field(None, max_length=64)
    party_name: str | None = Field(None, min_length=1, max_length=200)
    uscc: USCC | None = None
    summary: str | None = Field(None, min_length=1, max_length=4000)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"suspected_crime": True}]})


class Step(Strict):
    on: date | None = Field(None, description="Legal date of the step (default today; never in the future)")
    note: Note = ""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"note": "verified on site"}]})


class Investigator(Strict):
    officer_id: OfficerId
    declared_interests: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=100,
        description="USCCs or case ids the officer has an interest in (recusal, APL art. 43)")


class FileCase(Step):
    investigators: list[Investigator] = Field(min_length=1, max_length=20,
                                              description="At least two officers (APL art. 42)")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "investigators": [{"officer_id": "officer-zhang", "declared_interests": []},
                          {"officer_id": "officer-li", "declared_interests": []}]}]})


class DeclineFiling(Step):
    reason: str = Field(min_length=1, max_length=2000, examples=["no violation found on verification"])

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "no violation found"}]})


class Reassign(Strict):
    investigators: list[Investigator] = Field(min_length=1, max_length=20)
    note: Note = ""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "investigators": [{"officer_id": "officer-zhang"}, {"officer_id": "officer-zhao"}],
        "note": "officer-li withdrew at the party's request"}]})


class EvidenceIn(Strict):
    evidence_type: EvidenceType
    title: str = Field(min_length=1, max_length=300, examples=["Photo of the shelf label"])
    sha256: Sha256
    collected_on: date
    collected_by: list[OfficerId] = Field(default_factory=list, max_length=20)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "evidence_type": "audio_visual", "title": "Photo of the shelf label",
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "collected_on": "2026-03-02", "collected_by": ["officer-zhang", "officer-li"]}]})


class EvidenceOut(BaseModel):
    id: str
    evidence_type: str
    title: str
    sha256: str
    collected_on: date
    collected_by: list[str]
    added_by: str
    created_at: datetime


class ProposedPenaltyIn(Step):
    """Prior notice (APL art. 44): the intended penalty, which decides the hearing right."""

    penalty_kinds: list[PenaltyKind] = Field(min_length=1, max_length=10)
    fine_amount: Decimal = Field(Decimal(0), ge=0, le=Decimal("1e11"), decimal_places=2)
    confiscation_amount: Decimal = Field(Decimal(0), ge=0, le=Decimal("1e11"), decimal_places=2)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "penalty_kinds": ["warning", "fine"], "fine_amount": "20000.00"}]})


class ScheduleHearing(Strict):
    hearing_on: date
    notice_served_on: date | None = Field(None, description="Day the notice reached the party (default today)")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "hearing_on": "2026-03-20", "notice_served_on": "2026-03-09"}]})


class Transfer(Step):
    to_department: DepartmentCode
    reason: str = Field(min_length=1, max_length=2000)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "to_department": "yjj", "reason": "the products are drugs"}]})


class JudicialTransfer(Step):
    organ: str = Field("public security organ", min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)


class Suspend(Strict):
    reason: SuspensionReason
    start: date | None = None
    note: Note = ""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "testing"}]})


class ResumeClock(Strict):
    end: date | None = None
    note: Note = ""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"note": "test report received"}]})


class ExtendDecision(Strict):
    kind: Literal["head", "collective"]
    decision_ref: str | None = Field(None, min_length=1, max_length=120,
                                     description="Reference of the recorded collective decision")
    days: int | None = Field(None, ge=1, le=365)
    decided_on: date | None = None

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "head"}, {"kind": "collective", "decision_ref": "集体讨论〔2026〕7号", "days": 30}]})


class ClockOut(BaseModel):
    name: str | None = Field(None, description="filing | decision | service | payment")
    due: date | None = Field(None, description="Last day; null while stopped (suspended) or none runs")
    provisional: bool = False
    status: Literal["ok", "due_soon", "overdue", "stopped", "none"]


class CaseOut(BaseModel):
    id: str
    department: str
    matter_code: str | None
    state: str
    allowed_actions: list[str]
    source_kind: str
    source_ref: str | None
    uscc: str | None
    party_name: str
    party_kind: str
    violation_type: str | None
    summary: str
    received_on: date
    filing_due: date
    filing_extended: bool
    filed_on: date | None
    not_filed_reason: str | None
    investigators: list[str]
    suspected_crime: bool
    major_public_interest: bool
    complex_case: bool
    had_hearing: bool
    proposed_penalty: dict[str, Any] | None
    rights_notified_on: date | None
    hearing_right: bool
    hearing_request_due: date | None
    hearing_request_due_provisional: bool = Field(
        description="hearing_request_due was counted with a year whose holiday schedule is not loaded: it may still move",
        examples=[False])
    hearing_requested_on: date | None
    hearing_on: date | None
    head_extension: bool
    transferred_to: str | None
    outcome: str | None
    closed_on: date | None
    clock: ClockOut
    revision: int
    created_at: datetime
    updated_at: datetime


class CasePage(Page):
    items: list[CaseOut]


class ReviewOut(BaseModel):
    id: str
    case_id: str
    department: str
    status: str
    reasons: list[str]
    thresholds_version: str
    submitted_by: str
    submitted_at: datetime
    reviewer_id: str | None
    opinion: str | None
    decided_at: datetime | None


class ReviewPage(Page):
    items: list[ReviewOut]


class ReviewVerdict(Strict):
    opinion: str = Field(min_length=1, max_length=4000, examples=["facts clear, basis correct, procedure lawful"])

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "opinion": "facts clear, basis correct, procedure lawful"}]})


class HistoryEntry(BaseModel):
    seq: int
    at: datetime
    actor_kind: str
    actor_client_id: str | None
    actor_department: str | None
    actor_roles: list[str]
    action: str
    from_state: str | None
    to_state: str | None
    details: dict[str, Any]
    attachment_hashes: list[str]


class HistoryPage(Page):
    items: list[HistoryEntry]
