"""Credit records filed by departments (API), and the writing of every record (events: from_events.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.grading.service import regrade
from services.credit.models import CreditRecord
from services.credit.records.repository import RecordRepository
from services.credit.records.schemas import RecordCreate
from services.credit.rules import facts as F
from services.credit.rules.authority import RECORD_FILING, FilingRule
from services.credit.rules.objections import NEGATIVE_INFO_YEARS
from services.credit.rules.publicity import NATIONAL, publicity_window
from services.credit.subjects.repository import SubjectRepository
from services.credit.subjects.service import (
    authority_for,
    require_role,
    subject_or_404,
)
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.clock import shanghai_today
from shared.contracts.credit import CreditRecordAdded
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.ids import new_id
from shared.paging import decode_cursor, encode_cursor

# Every role some record kind is filed by (rules/authority.py says which kind by which).
RECORD_WRITE_ROLES = tuple(sorted({r for rule in RECORD_FILING.values() for r in rule.roles}))
# The platform whose publicity periods the records carry (market regulation publishes there).
PUBLICITY_PLATFORM = NATIONAL
NEGATIVE_KINDS = frozenset({F.PENALTY, F.COMMITMENT_BROKEN, F.COMPLAINT_UPHELD, F.ABNORMAL_ENTRY, F.SERIOUS_ENTRY})
NEGATIVE_OUTCOMES = frozenset({F.PROBLEMS, F.NOT_FOUND})


async def write_record(session: AsyncSession, *, uscc: str, kind: str, department: str, decision_date: date,
                       matter_code: str | None = None, legal_basis: str | None = None, summary: str = "",
                       severity: str | None = None, outcome: str | None = None, penalty_kind: str | None = None,
                       amount: Decimal | None = None, restriction_end: date | None = None,
                       source_ref: str | None = None, subject_name: str | None = None,
                       regrade_now: bool = True, acting_body: str | None = None,
                       catalogue_version: str | None = None) -> CreditRecord:
    """Store a record (penalties with their publicity window), emit `record.added`, regrade."""
    start = end = version = None
    if kind == F.PENALTY:
        fact = F.RecordFact("new", kind, decision_date, severity=severity, penalty_kind=penalty_kind,
                            amount=float(amount) if amount is not None else None, restriction_end=restriction_end)
        start, end, version = publicity_window(fact, decision_date, PUBLICITY_PLATFORM)
    record = CreditRecord(
        id=new_id(), uscc=uscc, kind=kind, department=department, matter_code=matter_code, legal_basis=legal_basis,
        decision_date=decision_date, summary=summary, severity=severity, outcome=outcome, penalty_kind=penalty_kind,
        amount=amount, restriction_end=restriction_end, publicity_start=start, publicity_end=end,
        publicity_rule_version=version, status="active", under_objection=False, source_ref=source_ref,
        acting_body=acting_body, catalogue_version=catalogue_version, created_at=datetime.now(UTC))
    await RecordRepository(session).add(record)
    if subject_name is None:
        subject = await SubjectRepository(session).get(uscc)
        subject_name = subject.name if subject else ""
    added = CreditRecordAdded(
        record_id=record.id, uscc=uscc, subject_name=subject_name, kind=kind, department=department,
        matter_code=matter_code, legal_basis=legal_basis, decision_date=decision_date, summary=summary,
        severity=severity, publicity_start=start, publicity_end=end, source_ref=source_ref)
    if regrade_now:
        await regrade(session, uscc, events=[added])  # one outbox statement for the record and its effects
    else:
        await add_event(session, added, subject=uscc)
    return record


def _filing_rule(principal: Principal, kind: str, source_ref: str | None) -> FilingRule:
    rule = RECORD_FILING[kind]
    if not principal.has_role(*rule.roles):
        raise Forbidden(f"a {kind} record is filed by role {' or '.join(rule.roles)} of the deciding department",
                        rule=f"record.{kind}.filer", missing_role=list(rule.roles))
    if rule.cites and not source_ref:
        raise Unprocessable.field("body.source_ref", f"record.{kind}.decision_required",
                                  f"a {kind} record must cite {rule.cites}: it exists only from that act")
    return rule


async def add_record(session: AsyncSession, principal: Principal, uscc: str, data: RecordCreate) -> CreditRecord:
    require_role(principal, *RECORD_WRITE_ROLES)
    rule = _filing_rule(principal, data.kind, data.source_ref)
    subject = await subject_or_404(session, uscc)
    if data.decision_date > shanghai_today():
        raise Unprocessable.field("body.decision_date", "date.not_future", "a decision date cannot be in the future")
    who, version = await authority_for(session, principal, data.matter_code, data.decision_date,
                                       district=subject.district, power=rule.power)
    department = who.department
    if data.restriction_end is not None and data.restriction_end < data.decision_date:
        raise Unprocessable.field("body.restriction_end", "date.order", "a restriction cannot end before the decision")
    # One record per source: the same decision may already have arrived from casework's events.
    if data.source_ref and await RecordRepository(session).source_seen(data.source_ref, data.kind, department):
        raise Conflict(f"a {data.kind} record of {department} with source {data.source_ref} is already on file",
                       source_ref=data.source_ref)
    return await write_record(
        session, uscc=subject.uscc, kind=data.kind, department=department, decision_date=data.decision_date,
        matter_code=data.matter_code, legal_basis=data.legal_basis, summary=data.summary,
        severity=data.severity if data.kind == F.PENALTY else None,
        outcome=data.outcome if data.kind == F.INSPECTION_RESULT else None,
        penalty_kind=data.penalty_kind if data.kind == F.PENALTY else None, amount=data.amount,
        restriction_end=data.restriction_end, source_ref=data.source_ref, subject_name=subject.name,
        acting_body=who.acting_body if who.entrustment else None, catalogue_version=version)


async def get_record(session: AsyncSession, record_id: str) -> CreditRecord:
    record = await RecordRepository(session).get(record_id)
    if record is None:
        raise NotFound(f"no credit record {record_id}")
    return record


def _provided_since(today: date) -> date:
    # Shanghai Social Credit Regulations: negative information is not provided after 5 years.
    return F.add_years(today, -NEGATIVE_INFO_YEARS)


async def list_records(session: AsyncSession, principal: Principal, uscc: str, *, kinds: set[str] | None,
                       cursor: str | None, limit: int) -> tuple[list[CreditRecord], str | None]:
    subject = await subject_or_404(session, uscc)
    today = shanghai_today()
    position = decode_cursor(cursor) or {}
    # The public sees what is published today; departments see the whole file.
    public_on = today if principal.is_public else None
    items = await RecordRepository(session).for_subject(
        subject.uscc, kinds=kinds, after=position.get("r"), limit=limit + 1, public_on=public_on,
        provided_since=_provided_since(today), negative_kinds=NEGATIVE_KINDS, negative_outcomes=NEGATIVE_OUTCOMES)
    more = len(items) > limit
    items = items[:limit]
    return items, (encode_cursor({"r": items[-1].id}) if more else None)
