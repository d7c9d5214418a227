"""Events produced by the casework service. Never any data about a tip-off's sender."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.contracts import EventPayload, event_contract
from shared.contracts.codes import (
    DecisionKind,
    DepartmentCode,
    PartyKind,
    PenaltyKind,
    RevocationKind,
    Severity,
    ViolationType,
)
from shared.contracts.dates import LegalDate


@event_contract("sup.casework.decision.issued", 1)
class DecisionIssued(EventPayload):
    """An administrative decision on a case; credit records it, disclosure publishes it if publishable."""

    decision_id: str
    decision_number: str
    case_id: str
    uscc: str
    party_name: str
    party_kind: PartyKind = PartyKind.ORGANISATION
    violation_type: ViolationType
    violation_name: str = ""  # the deciding department's published name for it (its benchmark)
    decision_kind: DecisionKind
    penalty_kinds: list[PenaltyKind] = []
    fine_amount: Decimal = Decimal(0)
    confiscation_amount: Decimal = Decimal(0)
    severity: Severity
    lifelong_ban: bool = False
    legal_basis: str
    department: DepartmentCode
    matter_code: str | None = None
    decided_on: LegalDate
    publishable: bool
    summary: str = ""
    replaces: str | None = None  # decision number of the changed decision this version replaces


@event_contract("sup.casework.decision.revoked", 1)
class DecisionRevoked(EventPayload):
    """A decision was revoked or changed: disclosure withdraws it within 3 working days."""

    decision_id: str
    decision_number: str
    uscc: str
    department: DepartmentCode
    kind: RevocationKind = RevocationKind.REVOKED
    reason: str = ""
    revoked_on: LegalDate
    # Last day to withdraw the published decision (3 working days, SAMR publicity provisions).
    withdraw_by: date | None = None
    replaced_by: str | None = None  # kind changed: decision number of the new version, published instead


@event_contract("sup.casework.complaint.answered", 1)
class ComplaintAnswered(EventPayload):
    complaint_id: str
    department: DepartmentCode
    received_on: date
    answered_on: date
    due_on: date
    accepted: bool


@event_contract("sup.casework.case.closed", 1)
class CaseClosed(EventPayload):
    case_id: str
    department: DepartmentCode
    filed_on: date | None = None
    closed_on: date
    due_on: date | None = None
    outcome: str


@event_contract("sup.casework.clock.flagged", 1)
class ClockFlagged(EventPayload):
    """A statutory clock of a case is due soon or overdue."""

    case_id: str
    department: DepartmentCode
    clock: str
    due_on: date
    status: str  # due_soon | overdue


__all__ = ["CaseClosed", "ClockFlagged", "ComplaintAnswered", "Decimal", "DecisionIssued", "DecisionRevoked"]
