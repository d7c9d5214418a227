"""Credit records: filed by departments (API) or learnt from casework decisions and inspection results."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import CreditRecord, DecisionRevocation
from services.credit.repository import SubjectRepository
from services.credit.repository_records import ListRepository, RecordRepository
from services.credit.rules import facts as F
from services.credit.rules.objections import NEGATIVE_INFO_YEARS
from services.credit.rules.publicity import NATIONAL, publicity_window
from services.credit.schemas_records import RecordCreate
from services.credit.service import (
    normalise_uscc,
    require_matter,
    require_role,
    shanghai_today,
    subject_or_404,
)
from services.credit.service_grading import regrade
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.contracts.casework import DecisionIssued, DecisionRevoked
from shared.contracts.credit import CreditRecordAdded
from shared.contracts.inspection import ResultRecorded
from shared.errors import Conflict, NotFound, Unprocessable
from shared.ids import new_id
from shared.paging import decode_cursor, encode_cursor

RECORD_WRITE_ROLES = ("credit_officer", "case_officer", "inspector")
# The platform whose publicity periods the records carry (market regulation publishes there).
PUBLICITY_PLATFORM = NATIONAL
NEGATIVE_KINDS = frozenset({F.PENALTY, F.COMMITMENT_BROKEN, F.COMPLAINT_UPHELD, F.ABNORMAL_ENTRY, F.SERIOUS_ENTRY})
NEGATIVE_OUTCOMES = frozenset({F.PROBLEMS, F.NOT_FOUND})
# Heaviest first: the kind that sets a penalty's publicity when a decision imposes several.
PENALTY_KINDS_BY_WEIGHT = (F.EMPLOYMENT_RESTRICTION, F.BUSINESS_RESTRICTION, F.LICENCE_REVOCATION, F.SUSPENSION,
                           F.CONFISCATION, F.FINE, F.CIRCULATED_CRITICISM, F.WARNING)
# Inspection outcomes in the inspection service's words -> the rules' words.
INSPECTION_OUTCOMES = {"passed": F.PASSED, "corrected_on_spot": F.CORRECTED, "problems_found": F.PROBLEMS,
                       "not_found": F.NOT_FOUND}


async def write_record(session: AsyncSession, *, uscc: str, kind: str, department: str, decision_date: date,
                       matter_code: str | None = None, legal_basis: str | None = None, summary: str = "",
                       severity: str | None = None, outcome: str | None = None, penalty_kind: str | None = None,
                       amount: Decimal | None = None, restriction_end: date | None = None,
                       source_ref: str | None = None, subject_name: str | None = None,
                       regrade_now: bool = True) -> CreditRecord:
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
        created_at=datetime.now(UTC))
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


async def add_record(session: AsyncSession, principal: Principal, uscc: str, data: RecordCreate) -> CreditRecord:
    department = require_role(principal, *RECORD_WRITE_ROLES)
    require_matter(principal, data.matter_code)
    subject = await subject_or_404(session, uscc)
    if data.decision_date > shanghai_today():
        raise Unprocessable.field("body.decision_date", "date.not_future", "a decision date cannot be in the future")
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
        restriction_end=data.restriction_end, source_ref=data.source_ref, subject_name=subject.name)


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


# --- from events ---------------------------------------------------------------------------


async def record_decision(session: AsyncSession, d: DecisionIssued) -> CreditRecord | None:
    """A penalty decision becomes a penalty record; a lifelong ban also puts the party on the serious
    illegal and dishonest list. Other decision kinds carry no credit consequence."""
    from services.credit.service_lists import (
        enter_list,  # lists regrade too; imported late to avoid a cycle
    )

    if d.decision_kind != "penalty":
        return None
    uscc = normalise_uscc(d.uscc)
    if await RecordRepository(session).source_seen(d.decision_number, F.PENALTY, d.department):
        return None  # the same decision delivered again under another event id
    kinds = [k for k in PENALTY_KINDS_BY_WEIGHT if k in d.penalty_kinds]
    penalty_kind = kinds[0] if kinds else (F.FINE if d.fine_amount else F.WARNING)
    severity = d.severity if d.severity in F.SEVERITIES else F.GENERAL
    # A second lifelong ban while the party is on the list already leaves the open entry standing.
    enters_list = d.lifelong_ban and not await ListRepository(session).open_entries(uscc, F.SERIOUS_DISHONESTY)
    record = await write_record(
        session, uscc=uscc, kind=F.PENALTY, department=d.department, decision_date=d.decided_on,
        matter_code=d.matter_code, legal_basis=d.legal_basis, summary=d.summary or d.violation_type,
        severity=severity, penalty_kind=penalty_kind, amount=d.fine_amount or None, source_ref=d.decision_number,
        subject_name=d.party_name, regrade_now=not enters_list)
    if enters_list:
        await enter_list(session, uscc=uscc, list_kind=F.SERIOUS_DISHONESTY, reasons=["lifelong_industry_ban"],
                         department=d.department, entered_on=d.decided_on, source_ref=d.decision_number,
                         detail=f"decision {d.decision_number}: lifelong ban", subject_name=d.party_name)
    revocation = await RecordRepository(session).revocation_of(d.decision_number, d.department)
    if revocation is not None:  # the revocation overtook the decision: apply it now, as in order
        await _apply_revocation(session, uscc=uscc, decision_number=d.decision_number, department=d.department,
                                kind=revocation.kind, revoked_on=revocation.revoked_on)
    return record


async def revoke_decision(session: AsyncSession, r: DecisionRevoked) -> int:
    """A revoked (or changed) decision no longer counts: its records are revoked, list entries it
    caused are exited, and the subject is regraded."""
    repo = RecordRepository(session)
    uscc = normalise_uscc(r.uscc)
    # Kept even when the decision is on file: it may also come again under another event id.
    if await repo.revocation(r.decision_id) is None:
        await repo.add_revocation(DecisionRevocation(
            decision_id=r.decision_id, decision_number=r.decision_number, department=r.department, uscc=uscc,
            kind=r.kind, revoked_on=r.revoked_on, created_at=datetime.now(UTC)))
    return await _apply_revocation(session, uscc=uscc, decision_number=r.decision_number, department=r.department,
                                   kind=r.kind, revoked_on=r.revoked_on)


async def _apply_revocation(session: AsyncSession, *, uscc: str, decision_number: str, department: str, kind: str,
                            revoked_on: date) -> int:
    from services.credit.service_lists import exit_entry

    records = await RecordRepository(session).by_source(decision_number, F.PENALTY, department)
    for record in records:
        if record.status != "revoked":
            record.status, record.status_on = "revoked", revoked_on
    for entry in await ListRepository(session).by_source(decision_number):
        await exit_entry(session, entry, exited_on=revoked_on, reason=f"decision {decision_number} {kind}",
                         regrade_now=False)
    await session.flush()
    await regrade(session, uscc)
    return len(records)


async def record_inspection(session: AsyncSession, r: ResultRecorded) -> CreditRecord | None:
    """An inspection result is a record; "not found at the registered address" also puts the
    subject on the abnormal operations list (unreachable at address)."""
    from services.credit.service_lists import enter_list

    uscc = normalise_uscc(r.uscc)
    if await RecordRepository(session).source_seen(r.result_id, F.INSPECTION_RESULT):
        return None
    outcome = INSPECTION_OUTCOMES.get(r.outcome)
    if outcome is None:
        raise ValueError(f"unknown inspection outcome {r.outcome!r}")
    record = await write_record(
        session, uscc=uscc, kind=F.INSPECTION_RESULT, department=r.department, decision_date=r.inspected_on,
        matter_code=r.matter_code, legal_basis=None, summary=r.problems or f"inspection: {r.outcome}",
        outcome=outcome, source_ref=r.result_id, subject_name=r.subject_name,
        regrade_now=outcome != F.NOT_FOUND)
    if outcome == F.NOT_FOUND:
        if await ListRepository(session).open_entries(uscc, F.ABNORMAL):
            await regrade(session, uscc)
        else:
            await enter_list(session, uscc=uscc, list_kind=F.ABNORMAL, reasons=["unreachable_at_address"],
                             department=r.department, entered_on=r.inspected_on, source_ref=r.result_id,
                             detail=f"inspection result {r.result_id}: not found at the registered address",
                             subject_name=r.subject_name)
    return record
