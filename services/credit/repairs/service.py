"""Credit repair (ending a penalty's publicity early) and objections to credit records."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.grading.service import record_fact, regrade, subject_facts
from services.credit.models import CreditRecord, Objection, RepairApplication
from services.credit.records.repository import RecordRepository
from services.credit.records.service import get_record
from services.credit.repairs.repository import ObjectionRepository, RepairRepository
from services.credit.repairs.schemas import (
    Decision,
    ObjectionCreate,
    ObjectionDecision,
    RepairCreate,
)
from services.credit.rules import facts as F
from services.credit.rules.objections import objection_deadlines
from services.credit.rules.repair import (
    repair_decision_deadline,
    repair_eligibility,
    repair_removal_deadline,
)
from services.credit.subjects.service import (
    normalise_uscc,
    read_scope,
    require_readable,
    require_role,
)
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.clock import shanghai_today
from shared.contracts.credit import RecordWithdrawn, RepairApproved
from shared.errors import Conflict, Forbidden, InvalidState, NotFound
from shared.ids import new_id
from shared.paging import decode_cursor, encode_cursor

DECIDER_ROLES = ("credit_officer",)


def _applicant(principal: Principal) -> tuple[str, str | None]:
    """(applicant kind, filing department): the public (the subject itself) or a credit_officer on its behalf."""
    if principal.is_public:
        return "public", None
    return "department", require_role(principal, *DECIDER_ROLES)


async def _record_of(session: AsyncSession, uscc: str, record_id: str) -> CreditRecord:
    code = normalise_uscc(uscc, "body.uscc")
    record = await RecordRepository(session).get(record_id)
    if record is None or record.uscc != code:
        raise NotFound(f"subject {code} has no credit record {record_id}")
    return record


async def _eligibility(session: AsyncSession, record: CreditRecord, obligations_performed: bool,
                       harm_removed: bool, platform: str) -> tuple[bool, list[str]]:
    _, members = await subject_facts(session, record.uscc)
    # Same violation repeated: a later penalty of the subject on the same supervision matter.
    repeat = bool(record.matter_code) and any(
        r.id != record.id and r.decision_date > record.decision_date
        for r in await RecordRepository(session).active_of_matter(record.uscc, record.matter_code, F.PENALTY))
    return repair_eligibility(record_fact(record), members, obligations_performed, shanghai_today(),
                              platform=platform, harm_removed=harm_removed, repeat_offence=repeat)


async def apply(session: AsyncSession, principal: Principal, data: RepairCreate) -> RepairApplication:
    kind, filed_by = _applicant(principal)
    record = await _record_of(session, data.uscc, data.record_id)
    if record.status != "active":
        raise InvalidState(f"record {record.id} is {record.status}: nothing to repair", current_state=record.status,
                           allowed=["active"])
    repairs = RepairRepository(session)
    pending = await repairs.pending_for_record(record.id)
    if pending is not None:
        raise Conflict(f"application {pending.id} for record {record.id} is awaiting a decision",
                       application_id=pending.id)
    eligible, reasons = await _eligibility(session, record, data.obligations_performed, data.harm_removed,
                                          data.platform)
    if not eligible:
        raise Conflict(f"not eligible for credit repair: {'; '.join(reasons)}", reasons=reasons)
    today = shanghai_today()
    due = repair_decision_deadline(today)
    application = RepairApplication(
        id=new_id(), uscc=record.uscc, record_id=record.id, department=record.department, applicant_kind=kind,
        applicant_name=data.applicant_name, applicant_contact=data.applicant_contact, filed_by_department=filed_by,
        obligations_performed=data.obligations_performed, harm_removed=data.harm_removed, statement=data.statement,
        platform=data.platform,
        received_on=today, decision_due=due.due, decision_due_provisional=due.provisional, eligibility=reasons,
        status="pending", created_at=datetime.now(UTC))
    await repairs.add(application)
    return application


async def get_repair(session: AsyncSession, principal: Principal, application_id: str) -> RepairApplication:
    read_scope(principal, *DECIDER_ROLES)
    a = await RepairRepository(session).get(application_id)
    if a is None:
        raise NotFound(f"no repair application {application_id}")
    require_readable(principal, a.department, f"repair application {a.id}", *DECIDER_ROLES)
    return a


async def decide_repair(session: AsyncSession, principal: Principal, application_id: str,
                        data: Decision) -> RepairApplication:
    department = require_role(principal, *DECIDER_ROLES)
    a = await get_repair(session, principal, application_id)
    if a.department != department:
        raise Forbidden(f"the record's department {a.department} decides this application")
    if a.status != "pending":
        raise InvalidState(f"application {a.id} was already {a.status}", current_state=a.status, allowed=["pending"])
    today = shanghai_today()
    record = await get_record(session, a.record_id)
    if data.approve:
        eligible, reasons = await _eligibility(session, record, a.obligations_performed, a.harm_removed, a.platform)
        if not eligible or record.status != "active":
            raise Conflict(f"no longer eligible for credit repair: {'; '.join(reasons)}", reasons=reasons)
        record.status, record.status_on = "repaired", today
        removal = repair_removal_deadline(today)
        a.removal_due, a.removal_due_provisional = removal.due, removal.provisional
        await add_event(session, RepairApproved(repair_id=a.id, uscc=a.uscc, record_id=record.id,
                                                source_ref=record.source_ref, decided_on=today), subject=a.uscc)
    a.status, a.decided_on, a.decision_reason = ("approved" if data.approve else "rejected"), today, data.reason
    await session.flush()
    if data.approve:
        await regrade(session, a.uscc)
    return a


async def list_repairs(session: AsyncSession, principal: Principal, *, status: str | None, overdue: bool,
                       cursor: str | None, limit: int) -> tuple[list[RepairApplication], str | None]:
    position = decode_cursor(cursor) or {}
    items = await RepairRepository(session).search(
        department=read_scope(principal, *DECIDER_ROLES), status=status, overdue_on=shanghai_today() if overdue else None,
        after=position.get("a"), limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return items, (encode_cursor({"a": items[-1].id}) if more else None)


# --- objections -----------------------------------------------------------------------------


async def file_objection(session: AsyncSession, principal: Principal, data: ObjectionCreate) -> Objection:
    _applicant(principal)
    record = await _record_of(session, data.uscc, data.record_id)
    today = shanghai_today()
    d = objection_deadlines(today)
    objection = Objection(
        id=new_id(), uscc=record.uscc, record_id=record.id, department=record.department,
        applicant_name=data.applicant_name, applicant_contact=data.applicant_contact, grounds=data.grounds,
        received_on=today, flag_due=d.flag.due, decide_due=d.decide.due,
        deadlines_provisional=d.flag.provisional or d.decide.provisional, status="received",
        created_at=datetime.now(UTC))
    await ObjectionRepository(session).add(objection)
    return objection


async def get_objection(session: AsyncSession, principal: Principal, objection_id: str) -> Objection:
    read_scope(principal, *DECIDER_ROLES)
    o = await ObjectionRepository(session).get(objection_id)
    if o is None:
        raise NotFound(f"no objection {objection_id}")
    require_readable(principal, o.department, f"objection {o.id}", *DECIDER_ROLES)
    return o


async def _own_objection(session: AsyncSession, principal: Principal, objection_id: str) -> Objection:
    department = require_role(principal, *DECIDER_ROLES)
    o = await get_objection(session, principal, objection_id)
    if o.department != department:
        raise Forbidden(f"the record's department {o.department} handles this objection")
    return o


async def flag_objection(session: AsyncSession, principal: Principal, objection_id: str) -> Objection:
    o = await _own_objection(session, principal, objection_id)
    if o.status != "received":
        raise InvalidState(f"objection {o.id} is {o.status}", current_state=o.status, allowed=["received"])
    record = await get_record(session, o.record_id)
    record.under_objection = True
    o.status, o.flagged_on = "flagged", shanghai_today()
    return o


async def decide_objection(session: AsyncSession, principal: Principal, objection_id: str,
                           data: ObjectionDecision) -> Objection:
    o = await _own_objection(session, principal, objection_id)
    if o.status not in ("received", "flagged"):
        raise InvalidState(f"objection {o.id} was already decided ({o.status})", current_state=o.status,
                           allowed=["received", "flagged"])
    today = shanghai_today()
    record = await get_record(session, o.record_id)
    record.under_objection = False
    o.flagged_on = o.flagged_on or today
    o.status, o.decided_on, o.decision_reason = ("upheld" if data.upheld else "rejected"), today, data.reason
    if data.upheld and record.status == "active":
        record.status, record.status_on = "revoked", today
        await add_event(session, RecordWithdrawn(record_id=record.id, uscc=record.uscc, kind=record.kind,
                                                 source_ref=record.source_ref, reason=f"objection upheld: {data.reason}",
                                                 withdrawn_on=today), subject=record.uscc)
        await session.flush()
        await regrade(session, record.uscc)
    return o


async def list_objections(session: AsyncSession, principal: Principal, *, status: str | None, cursor: str | None,
                          limit: int) -> tuple[list[Objection], str | None]:
    position = decode_cursor(cursor) or {}
    items = await ObjectionRepository(session).search(department=read_scope(principal, *DECIDER_ROLES), status=status,
                                                      after=position.get("o"), limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return items, (encode_cursor({"o": items[-1].id}) if more else None)

