"""API models of a case, its running clock and its whole-process record, and the field types every
casework API model shares (apart from models.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from shared.contracts.codes import PartyKind, ViolationType
from shared.contracts.dates import LegalDate, Timestamp
from shared.identifiers import validate_uscc

USCC = Annotated[str, Field(min_length=18, max_length=18, examples=["91310000MA1FL0001R"],
                            description="Unified social credit code (GB 32100-2015)"),
                 AfterValidator(validate_uscc)]
Note = Annotated[str, Field(max_length=2000, description="Free text for the record")]


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
    party_kind: PartyKind = PartyKind.ORGANISATION
    violation_type: ViolationType | None = Field(None, examples=["food_labelling"],
                                       description="A violation type of the discretion benchmark")
    summary: str = Field(min_length=1, max_length=4000, examples=["Prepackaged biscuits without production date"])
    received_on: LegalDate | None = Field(None, description="Day the lead was found or received (default today)")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "matter_code": "scjgj-001", "uscc": "91310000MA1FL0001R", "party_name": "上海某某食品有限公司",
        "violation_type": "food_labelling", "summary": "Prepackaged biscuits without production date",
    }]})


class CasePatch(Strict):
    """Facts that change how the case must be handled."""

    suspected_crime: StrictBool | None = Field(None, description="Set: the case must go to judicial organs (APL art. 27). "
                                                           "Once set, only `clear_fact` clears it.")
    major_public_interest: StrictBool | None = Field(None, description="Set: a legal review is required (APL art. 58); "
                                                                 "once set, only `clear_fact` clears it")
    complex_case: StrictBool | None = Field(None, description="Set: a legal review is required (APL art. 58); "
                                                        "once set, only `clear_fact` clears it")
    violation_type: ViolationType | None = None
    matter_code: str | None = Field(None, max_length=32, examples=["scjgj-001"],
                                    description="the department's own supervision matter the case is on (a lead "
                                                "from an alert or a transfer names none yet; a decision needs one)")
    party_name: str | None = Field(None, min_length=1, max_length=200)
    uscc: USCC | None = None
    summary: str | None = Field(None, min_length=1, max_length=4000)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"suspected_crime": True}]})


class FactClearing(Strict):
    """A fact that requires legal review, or a suspected crime, cleared by someone entitled."""

    fact: Literal["major_public_interest", "complex_case", "had_hearing", "suspected_crime"] = Field(
        description="The fact to clear (APL art. 58(1); art. 27 for suspected_crime)")
    reason: str = Field(min_length=1, max_length=2000, description="Why it no longer holds; kept in the record")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "fact": "complex_case", "reason": "one legal relationship only, facts established by the site record"}]})


class Step(Strict):
    on: LegalDate | None = Field(None, description="Legal date of the step (default today; never in the future)")
    note: Note = ""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"note": "verified on site"}]})


class EvidenceOut(BaseModel):
    id: str
    evidence_type: str
    title: str
    sha256: str
    collected_on: date
    collected_by: list[str]
    added_by: str
    created_at: Timestamp


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
    created_at: Timestamp
    updated_at: Timestamp


class CasePage(Page):
    items: list[CaseOut]


# ---------------------------------------------------------------------------- the whole-process record


class HistoryEntry(BaseModel):
    seq: int
    at: Timestamp
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
