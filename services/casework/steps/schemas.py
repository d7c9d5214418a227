"""API models of the steps of a case: filing and its team, evidence, prior notice, the hearing, transfers,
suspensions and extensions of the decision period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from services.casework.cases.schemas import Note, Step, Strict
from services.casework.rules.clocks import SuspensionReason
from services.casework.rules.penalties import EvidenceType, PenaltyKind
from shared.contracts.dates import LegalDate

OfficerId = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[\w.@:-]+$",
                                 description="Enforcement officer's id (their platform client id)")]
DepartmentCode = Annotated[str, Field(min_length=2, max_length=32, pattern=r"^[a-z0-9_-]+$", examples=["yjj"])]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the file, 64 hex digits",
                              examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])]


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


class ProposedPenaltyIn(Step):
    """Prior notice (APL art. 44): the intended penalty, which decides the hearing right."""

    penalty_kinds: list[PenaltyKind] = Field(min_length=1, max_length=10)
    fine_amount: Decimal = Field(Decimal(0), ge=0, le=Decimal("1e11"), decimal_places=2)
    confiscation_amount: Decimal = Field(Decimal(0), ge=0, le=Decimal("1e11"), decimal_places=2)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "penalty_kinds": ["warning", "fine"], "fine_amount": "20000.00"}]})


class ScheduleHearing(Strict):
    hearing_on: LegalDate
    notice_served_on: LegalDate | None = Field(None, description="Day the notice reached the party (default today)")

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


class JudicialReturn(Step):
    """The judicial organ's act handing the case back (APL art. 27(1)): no criminal liability, a penalty due."""

    organ: str = Field(min_length=1, max_length=200, examples=["上海市公安局"], description="The organ that returned it")
    document_ref: str = Field(min_length=1, max_length=100, examples=["沪公不立〔2026〕12号"],
                              description="Its document (e.g. the decision not to open a criminal case)")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "organ": "上海市公安局", "document_ref": "沪公不立〔2026〕12号", "on": "2026-11-30",
        "note": "no criminal liability; administrative penalty due"}]})


class Suspend(Strict):
    reason: SuspensionReason
    start: LegalDate | None = None
    note: Note = ""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "testing"}]})


class ResumeClock(Strict):
    end: LegalDate | None = None
    note: Note = ""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"note": "test report received"}]})


class ExtendDecision(Strict):
    kind: Literal["head", "collective"]
    decision_ref: str | None = Field(None, min_length=1, max_length=120,
                                     description="Reference of the recorded collective decision")
    days: int | None = Field(None, ge=1, le=365)
    decided_on: LegalDate | None = None

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "head"}, {"kind": "collective", "decision_ref": "集体讨论〔2026〕7号", "days": 30}]})
