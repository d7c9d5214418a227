"""Credit records learnt from other services' events: casework decisions (and their revocation) and
inspection results. A decision or a result can also put the subject on a list or take it off.

Apart from records/service.py because it builds on lists/service.py, which itself writes records
through records/service.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.grading.service import regrade
from services.credit.lists.repository import ListRepository
from services.credit.lists.service import enter_list, exit_entry
from services.credit.models import CreditRecord, DecisionRevocation
from services.credit.records.repository import RecordRepository
from services.credit.records.service import write_record
from services.credit.rules import facts as F
from services.credit.subjects.service import normalise_uscc
from shared.contracts.casework import DecisionIssued, DecisionRevoked
from shared.contracts.codes import DecisionKind, PenaltyKind
from shared.contracts.inspection import ResultRecorded

K = PenaltyKind
# Heaviest first: the kind that sets a penalty's publicity when a decision imposes several. Every
# kind of the vocabulary has its place (a test checks it), so none falls through to a default.
PENALTY_KINDS_BY_WEIGHT = (K.EMPLOYMENT_RESTRICTION, K.BUSINESS_RESTRICTION, K.CLOSURE, K.LICENCE_REVOCATION,
                           K.SUSPENSION, K.QUALIFICATION_LOWERING, K.LICENCE_SUSPENSION, K.DETENTION,
                           K.CONFISCATION_OF_ILLEGAL_PROPERTY, K.CONFISCATION_OF_ILLEGAL_GAINS, K.FINE, K.OTHER,
                           K.CIRCULATED_CRITICISM, K.WARNING)


async def record_decision(session: AsyncSession, d: DecisionIssued) -> CreditRecord | None:
    """A penalty decision becomes a penalty record; a lifelong ban also puts the party on the serious
    illegal and dishonest list. Other decision kinds carry no credit consequence."""
    if d.decision_kind != DecisionKind.PENALTY:
        return None
    uscc = normalise_uscc(d.uscc)
    if await RecordRepository(session).source_seen(d.decision_number, F.PENALTY, d.department):
        return None  # the same decision delivered again under another event id
    kinds = [k for k in PENALTY_KINDS_BY_WEIGHT if k in d.penalty_kinds]
    if not kinds:  # casework never issues a penalty naming none: refuse rather than guess one
        raise ValueError(f"decision {d.decision_number}: a penalty decision names no penalty kind")
    penalty_kind, severity = kinds[0], d.severity
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
    uscc = normalise_uscc(r.uscc)
    if await RecordRepository(session).source_seen(r.result_id, F.INSPECTION_RESULT):
        return None
    outcome = r.outcome
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
