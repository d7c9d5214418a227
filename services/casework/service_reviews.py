"""The legal review gate (APL art. 58): a reviewer who did not investigate passes or rejects."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.models import LegalReview
from services.casework.repository import CaseRepository
from services.casework.rules.legal_review import LegalReview as ReviewFact
from services.casework.rules.legal_review import review_problems
from services.casework.rules.workflow import CaseAction as A
from services.casework.service_cases import load
from services.casework.service_common import (
    move,
    now,
    readable_department_filter,
    require_reader,
)
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound


async def get_review(session: AsyncSession, principal: Principal, review_id: str) -> LegalReview:
    review = await CaseRepository(session).review(review_id)
    if review is None:
        raise NotFound(f"no legal review {review_id}")
    require_reader(principal, review.department)
    return review


async def list_reviews(session: AsyncSession, principal: Principal, status: str | None, after_id: str | None,
                       limit: int) -> list[LegalReview]:
    department = readable_department_filter(principal)
    return await CaseRepository(session).reviews(department=department, status=status, after_id=after_id, limit=limit)


async def decide_review(session: AsyncSession, principal: Principal, review_id: str, passed: bool,
                        data: Any) -> LegalReview:
    repo = CaseRepository(session)
    review = await repo.review(review_id, for_update=True)
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
    if passed:
        # Administrative Penalty Law (2021) art. 58: the reviewer is not one of the investigators.
        problems = review_problems(ReviewFact(reviewer, "passed"), case.investigators)
        if problems:
            raise Forbidden("; ".join(problems) + " (APL art. 58: review by others than the investigators)")
    action = A.PASS_REVIEW if passed else A.REJECT_REVIEW
    await move(repo, case, principal, action, details={"review_id": review.id, "opinion": data.opinion})
    review.status = "passed" if passed else "rejected"
    review.reviewer_id, review.opinion, review.decided_at = reviewer, data.opinion, now()
    return review
