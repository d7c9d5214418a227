"""Events produced by the credit service (the municipal public credit information platform)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import ValidationInfo, field_validator

from shared.contracts import EventPayload, event_contract
from shared.contracts.codes import (
    DepartmentCode,
    ListKind,
    RecordKind,
    Severity,
    SubjectType,
)
from shared.contracts.dates import LegalDate, record_date_in_force


@event_contract("sup.credit.subject.registered", 1)
class SubjectRegistered(EventPayload):
    """A market participant entered the registry. No personal data: the legal representative stays in credit."""

    uscc: str
    name: str
    subject_type: SubjectType
    district: str
    industry_code: str
    registered_on: date | None = None
    status: str = "active"
    grade: str | None = None  # grade at registration (A..D), so consumers need not wait for a change


@event_contract("sup.credit.subject.updated", 1)
class SubjectUpdated(SubjectRegistered):
    pass


@event_contract("sup.credit.subject.deregistered", 1)
class SubjectDeregistered(EventPayload):
    uscc: str
    status: str  # deregistered | revoked
    effective_on: date


@event_contract("sup.credit.record.added", 1)
class CreditRecordAdded(EventPayload):
    """A credit record was written. Disclosure publishes licences from these."""

    record_id: str
    uscc: str
    subject_name: str
    kind: RecordKind
    department: DepartmentCode
    matter_code: str | None = None
    legal_basis: str | None = None
    decision_date: date
    summary: str = ""
    severity: Severity | None = None
    publicity_start: date | None = None
    publicity_end: date | None = None
    source_ref: str | None = None  # e.g. the decision number or inspection result id

    @field_validator("decision_date")
    @classmethod
    def _judged_by_rules_in_force(cls, day: date, info: ValidationInfo) -> date:
        return record_date_in_force(info.data.get("kind"), day)


@event_contract("sup.credit.grade.changed", 1)
class GradeChanged(EventPayload):
    uscc: str
    grade: str  # A (lowest risk) .. D
    previous_grade: str | None = None
    score: float
    rule_set_version: str
    as_of: date


@event_contract("sup.credit.list.entered", 1)
class ListEntered(EventPayload):
    entry_id: str
    uscc: str
    subject_name: str
    list_kind: ListKind
    reason: str
    basis: str
    department: DepartmentCode
    entered_on: LegalDate


@event_contract("sup.credit.list.exited", 1)
class ListExited(EventPayload):
    entry_id: str
    uscc: str
    subject_name: str
    list_kind: ListKind
    reason: str
    department: DepartmentCode
    exited_on: LegalDate


@event_contract("sup.credit.repair.approved", 1)
class RepairApproved(EventPayload):
    """Publicity of a record ends early: disclosure withdraws it everywhere within 3 working days."""

    repair_id: str
    uscc: str
    record_id: str
    source_ref: str | None = None  # the decision number / source event the record came from
    decided_on: LegalDate


@event_contract("sup.credit.record.withdrawn", 1)
class RecordWithdrawn(EventPayload):
    """A record was found wrong (objection upheld): it no longer counts and leaves every public view."""

    record_id: str
    uscc: str
    kind: RecordKind
    source_ref: str | None = None
    reason: str
    withdrawn_on: LegalDate


@event_contract("sup.credit.risk.alerted", 1)
class RiskAlerted(EventPayload):
    """A subject's risk score crossed the alert threshold; inspection turns it into a key inspection."""

    alert_id: str
    uscc: str
    subject_name: str
    score: float
    level: str
    reasons: list[str]
    model_version: str
    as_of: date


__all__ = [
    "CreditRecordAdded",
    "Decimal",
    "GradeChanged",
    "ListEntered",
    "ListExited",
    "RecordWithdrawn",
    "RepairApproved",
    "RiskAlerted",
    "SubjectDeregistered",
    "SubjectRegistered",
    "SubjectUpdated",
]
