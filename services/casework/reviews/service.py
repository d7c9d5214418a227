"""The legal review gate (APL art. 58): whether a case needs one, opening it, and a reviewer who did
not investigate passing or rejecting it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.cases.repository import CaseRepository
from services.casework.cases.service import (
    load,
    move,
    now,
    readable_department_filter,
    record,
    require_independent,
    require_reader,
    review_requirement,
)
from services.casework.models import Case, LegalReview
from services.casework.reviews.repository import ReviewRepository
from services.casework.reviews.schemas import ReviewVerdict
from services.casework.rules.legal_review import LegalReview as ReviewFact
from services.casework.rules.legal_review import review_problems
from services.casework.rules.workflow import CaseAction as A
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound
from shared.ids import new_id


async def open_review(repo: CaseRepository, case: Case, principal: Principal) -> LegalReview:
    req = review_requirement(case)
    review = await ReviewRepository(repo.session).add(LegalReview(
        id=new_id(), case_id=case.id, department=case.department, status="pending", reasons=req.reasons,
        thresholds_version=req.thresholds_version, submitted_by=principal.client_id or "", submitted_at=now(),
    ))
    case.review_status = review.status
    await record(repo, case, principal, "legal_review_requested", details={"review_id": review.id,
                                                                           "reasons": req.reasons})
    return review


async def get_review(session: AsyncSession, principal: Principal, review_id: str) -> LegalReview:
    review = await ReviewRepository(session).get(review_id)
    if review is None:
        raise NotFound(f"no legal review {review_id}")
    require_reader(principal, review.department)
    return review


async def list_reviews(session: AsyncSession, principal: Principal, status: str | None, after_id: str | None,
                       limit: int) -> list[LegalReview]:
    department = readable_department_filter(principal)
    return await ReviewRepository(session).list(department=department, status=status, after_id=after_id, limit=limit)


async def decide_review(session: AsyncSession, principal: Principal, review_id: str, passed: bool,
                        data: ReviewVerdict) -> LegalReview:
    repo = CaseRepository(session)
    review = await ReviewRepository(session).get(review_id, for_update=True)
    if review is None:
        raise NotFound(f"no legal review {review_id}")
    if principal.kind != "department" or not principal.has_role("legal_reviewer"):
        raise Forbidden("a legal review is decided by role legal_reviewer")
    if principal.department != review.department:
        raise Forbidden(f"the review belongs to department {review.department}")
    if review.status != "pending":
        raise Conflict(f"the review was already {review.status}", current_state=review.status, allowed=[])
    case = await load(repo, review.case_id, for_update=True)
    reviewer = principal.client_id or ""
    await require_independent(repo, case, principal, review.submitted_by)
    if passed:
        # Administrative Penalty Law (2021) art. 58: the reviewer is not one of the investigators.
        problems = review_problems(ReviewFact(reviewer, "passed"), case.investigators)
        if problems:
            raise Forbidden("; ".join(problems) + " (APL art. 58: review by others than the investigators)")
    action = A.PASS_REVIEW if passed else A.REJECT_REVIEW
    await move(repo, case, principal, action, details={"review_id": review.id, "opinion": data.opinion})
    review.status = case.review_status = "passed" if passed else "rejected"
    review.reviewer_id, review.opinion, review.decided_at = reviewer, data.opinion, now()
    return review
