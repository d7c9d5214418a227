"""HTTP routes: credit repair and objections."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path

from services.credit.models import Objection, RepairApplication
from services.credit.repairs import service as repairs
from services.credit.repairs.schemas import (
    Decision,
    ObjectionCreate,
    ObjectionDecision,
    ObjectionOut,
    ObjectionPage,
    RepairCreate,
    RepairOut,
    RepairPage,
)
from shared.app import problem_responses
from shared.auth import Principal
from shared.clock import shanghai_today
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter()
Id = Annotated[str, Path(max_length=36, examples=["01935c2e-8a4b-7c3d-9e2f-123456789abc"])]


# --- repairs ----------------------------------------------------------------------------------


def repair_out(a: RepairApplication, principal: Principal) -> RepairOut:
    return RepairOut(
        id=a.id, uscc=a.uscc, record_id=a.record_id, department=a.department, applicant_kind=a.applicant_kind,
        applicant_name=a.applicant_name, applicant_contact=None if principal.is_public else a.applicant_contact,
        obligations_performed=a.obligations_performed, harm_removed=a.harm_removed, platform=a.platform,
        statement=a.statement,
        received_on=a.received_on, decision_due=a.decision_due, decision_due_provisional=a.decision_due_provisional,
        eligibility=list(a.eligibility), status=a.status, decided_on=a.decided_on, decision_reason=a.decision_reason,
        removal_due=a.removal_due, removal_due_provisional=a.removal_due_provisional,
        overdue=a.status == "pending" and a.decision_due < shanghai_today())


@router.post("/repairs", status_code=201, tags=["repairs"], summary="Apply for credit repair",
             description="Anyone may apply without a credential (the subject, giving a contact), or a department "
                         "credit_officer on its behalf. Eligibility is checked now (minimum publicity period, "
                         "obligations performed, harm removed, no repeat, on no punishment list; never early for "
                         "suspension, licence revocation, business or employment restriction): 409 with the "
                         "reasons when not eligible. The decision is due within 10 working days.",
             responses=problem_responses(403, 404, 409, 422))
async def apply_for_repair(body: RepairCreate, session: SessionDep, principal: PrincipalDep) -> RepairOut:
    a = await repairs.apply(session, principal, body)
    out = repair_out(a, principal)
    await session.commit()
    return out


@router.get("/repairs", tags=["repairs"], summary="List repair applications",
            description="The department's applications (auditors: all); `overdue` flags pending ones past the "
                        "10-working-day deadline.", responses=problem_responses(403, 422))
async def list_repairs(session: SnapshotSessionDep, principal: PrincipalDep,
                       status: Literal["pending", "approved", "rejected"] | None = None, overdue: bool = False,
                       limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> RepairPage:
    items, next_cursor = await repairs.list_repairs(session, principal, status=status, overdue=overdue,
                                                    cursor=cursor, limit=limit)
    return RepairPage(items=[repair_out(a, principal) for a in items], next_cursor=next_cursor)


@router.get("/repairs/{application_id}", tags=["repairs"], summary="Read a repair application",
            responses=problem_responses(403, 404))
async def get_repair(application_id: Id, session: SnapshotSessionDep, principal: PrincipalDep) -> RepairOut:
    return repair_out(await repairs.get_repair(session, principal, application_id), principal)


@router.post("/repairs/{application_id}/decision", tags=["repairs"], summary="Decide a repair application",
             description="Role: credit_officer of the record's department. Approval re-checks eligibility, ends the "
                         "record's publicity, regrades, and emits `sup.credit.repair.approved` (with the record's "
                         "source_ref) so disclosure withdraws it within 3 working days.",
             responses=problem_responses(403, 404, 409, 422))
async def decide_repair(application_id: Id, body: Decision, session: SessionDep, principal: PrincipalDep) -> RepairOut:
    a = await repairs.decide_repair(session, principal, application_id, body)
    out = repair_out(a, principal)
    await session.commit()
    return out


# --- objections -------------------------------------------------------------------------------


def objection_out(o: Objection, principal: Principal) -> ObjectionOut:
    today = shanghai_today()
    return ObjectionOut(
        id=o.id, uscc=o.uscc, record_id=o.record_id, department=o.department, applicant_name=o.applicant_name,
        applicant_contact=None if principal.is_public else o.applicant_contact, grounds=o.grounds,
        received_on=o.received_on, flag_due=o.flag_due, decide_due=o.decide_due,
        deadlines_provisional=o.deadlines_provisional, status=o.status, flagged_on=o.flagged_on,
        decided_on=o.decided_on, decision_reason=o.decision_reason,
        flag_overdue=o.status == "received" and o.flag_due < today,
        decision_overdue=o.status in ("received", "flagged") and o.decide_due < today)


@router.post("/objections", status_code=201, tags=["repairs"], summary="Object to a credit record",
             description="Anyone may object without a credential (giving a contact), or a department "
                         "credit_officer on the subject's behalf. The record must be flagged within 1 working day "
                         "and the objection decided within 5.", responses=problem_responses(403, 404, 422))
async def file_objection(body: ObjectionCreate, session: SessionDep, principal: PrincipalDep) -> ObjectionOut:
    o = await repairs.file_objection(session, principal, body)
    out = objection_out(o, principal)
    await session.commit()
    return out


@router.get("/objections", tags=["repairs"], summary="List objections",
            description="The department's objections (auditors: all) with overdue flags.",
            responses=problem_responses(403, 422))
async def list_objections(session: SnapshotSessionDep, principal: PrincipalDep,
                          status: Literal["received", "flagged", "upheld", "rejected"] | None = None,
                          limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> ObjectionPage:
    items, next_cursor = await repairs.list_objections(session, principal, status=status, cursor=cursor, limit=limit)
    return ObjectionPage(items=[objection_out(o, principal) for o in items], next_cursor=next_cursor)


@router.get("/objections/{objection_id}", tags=["repairs"], summary="Read an objection",
            responses=problem_responses(403, 404))
async def get_objection(objection_id: Id, session: SnapshotSessionDep, principal: PrincipalDep) -> ObjectionOut:
    return objection_out(await repairs.get_objection(session, principal, objection_id), principal)


@router.post("/objections/{objection_id}/flag", tags=["repairs"], summary="Flag the disputed record",
             description="Marks the record as under objection. Role: credit_officer of the record's department.",
             responses=problem_responses(403, 404, 409))
async def flag_objection(objection_id: Id, session: SessionDep, principal: PrincipalDep) -> ObjectionOut:
    o = await repairs.flag_objection(session, principal, objection_id)
    out = objection_out(o, principal)
    await session.commit()
    return out


@router.post("/objections/{objection_id}/decision", tags=["repairs"], summary="Decide an objection",
             description="Upheld: the record is withdrawn (`sup.credit.record.withdrawn`) and the subject regraded. "
                         "Role: credit_officer of the record's department.",
             responses=problem_responses(403, 404, 409, 422))
async def decide_objection(objection_id: Id, body: ObjectionDecision, session: SessionDep,
                           principal: PrincipalDep) -> ObjectionOut:
    o = await repairs.decide_objection(session, principal, objection_id, body)
    out = objection_out(o, principal)
    await session.commit()
    return out
