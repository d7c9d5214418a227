"""HTTP routes: notification and commitment."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from services.credit.commitments import service as commitments
from services.credit.commitments.schemas import (
    CommitmentCreate,
    CommitmentOut,
    CommitmentPage,
    CommitmentSweepReport,
    Rectification,
    VerificationResult,
)
from services.credit.models import Commitment
from services.credit.subjects.schemas import USCC_EXAMPLE
from services.credit.subjects.service import require_role
from shared.app import problem_responses
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


def commitment_out(c: Commitment) -> CommitmentOut:
    today = shanghai_today()
    return CommitmentOut(
        id=c.id, uscc=c.uscc, department=c.department, matter_code=c.matter_code, field=c.field,
        licence_number=c.licence_number, promise=c.promise, granted_on=c.granted_on,
        verification_due=c.verification_due, schedule_version=c.schedule_version, status=c.status,
        found_broken_on=c.found_broken_on, rectification_due=c.rectification_due, rectified_on=c.rectified_on,
        revoked_on=c.revoked_on, licence_record_id=c.licence_record_id, outcome_record_id=c.outcome_record_id,
        verification_overdue=c.status == "pending_verification" and c.verification_due < today,
        rectification_overdue=c.status == "rectifying" and c.rectification_due is not None
        and c.rectification_due < today)


@router.post("/commitments", status_code=201, tags=["commitments"], summary="Grant a licence on commitment",
             description="Records a licence granted by notification and commitment and schedules the verification "
                         "of the promise. Matters touching public safety, ecology and environment, health, or "
                         "safety of life and property are excluded (422 on `field`); a subject under the "
                         "`no_notification_commitment` measure is refused (409). Roles: credit_officer, "
                         "case_officer, on a matter of the department's own list. Emits `sup.credit.record.added`.",
             responses=problem_responses(403, 404, 409, 422))
async def grant_on_commitment(body: CommitmentCreate, session: SessionDep, principal: PrincipalDep) -> CommitmentOut:
    c = await commitments.grant(session, principal, body)
    out = commitment_out(c)
    await session.commit()
    return out


@router.get("/commitments", tags=["commitments"], summary="List commitments",
            description="The department's commitments (auditors: all), with overdue flags.",
            responses=problem_responses(403, 422))
async def list_commitments(
    session: SnapshotSessionDep, principal: PrincipalDep,
    uscc: Annotated[str | None, Query(max_length=18, examples=[USCC_EXAMPLE])] = None,
    status: Literal["pending_verification", "kept", "rectifying", "rectified", "revoked"] | None = None,
    limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None,
) -> CommitmentPage:
    items, next_cursor = await commitments.search(session, principal, uscc=uscc, status=status, cursor=cursor,
                                                  limit=limit)
    return CommitmentPage(items=[commitment_out(c) for c in items], next_cursor=next_cursor)


@router.get("/commitments/{commitment_id}", tags=["commitments"], summary="Read a commitment",
            responses=problem_responses(403, 404))
async def get_commitment(commitment_id: Id, session: SnapshotSessionDep, principal: PrincipalDep) -> CommitmentOut:
    c = await commitments.get(session, commitment_id, principal)
    return commitment_out(c)


@router.post("/commitments/{commitment_id}/verification", tags=["commitments"], summary="Record the verification",
             description="Kept: a `commitment_kept` record. Broken: a rectification deadline starts; missing it "
                         "revokes the licence (see the sweep). Role: the granting department.",
             responses=problem_responses(403, 404, 409, 422))
async def verify_commitment(commitment_id: Id, body: VerificationResult, session: SessionDep,
                            principal: PrincipalDep) -> CommitmentOut:
    c = await commitments.verify(session, principal, commitment_id, body)
    out = commitment_out(c)
    await session.commit()
    return out


@router.post("/commitments/{commitment_id}/rectification", tags=["commitments"], summary="Record a rectification",
             description="A broken promise rectified by its deadline; after the deadline it is a 409.",
             responses=problem_responses(403, 404, 409, 422))
async def rectify_commitment(commitment_id: Id, body: Rectification, session: SessionDep,
                             principal: PrincipalDep) -> CommitmentOut:
    c = await commitments.rectify(session, principal, commitment_id, body)
    out = commitment_out(c)
    await session.commit()
    return out


@router.post("/commitments/sweep", tags=["commitments"], summary="Run the commitment sweep now",
             description="What the background job does: every broken promise past its rectification deadline has "
                         "its licence revoked and a `commitment_broken` record written. Roles: credit_officer, admin.",
             responses=problem_responses(403))
async def sweep_commitments(session: SessionDep, principal: PrincipalDep) -> CommitmentSweepReport:
    require_role(principal, "credit_officer", "admin")
    today = shanghai_today()
    revoked = await commitments.sweep(session, today)
    await session.commit()
    return CommitmentSweepReport(as_of=today, revoked=revoked)
