"""Routes: legal reviews, passed or rejected by a reviewer who did not investigate."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path

from services.casework.deps import after_id, next_cursor, review_out
from services.casework.reviews import service as reviews
from services.casework.reviews.schemas import ReviewOut, ReviewPage, ReviewVerdict
from shared.app import problem_responses
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter()
READ = problem_responses(403, 404, 422)
WRITE = problem_responses(403, 404, 409, 422)
ReviewId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]+$")]


@router.get("/reviews", tags=["legal reviews"], summary="List legal reviews of the department",
            responses=problem_responses(403, 422))
async def list_reviews(session: SnapshotSessionDep, principal: PrincipalDep,
                       status: Literal["pending", "passed", "rejected"] | None = None,
                       limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> ReviewPage:
    items = await reviews.list_reviews(session, principal, status, after_id(cursor), limit)
    return ReviewPage(items=[review_out(r) for r in items], next_cursor=next_cursor(items, limit))


@router.get("/reviews/{review_id}", tags=["legal reviews"], summary="Read a legal review", responses=READ)
async def get_review(review_id: ReviewId, session: SnapshotSessionDep, principal: PrincipalDep) -> ReviewOut:
    return review_out(await reviews.get_review(session, principal, review_id))


@router.post("/reviews/{review_id}/pass", tags=["legal reviews"], summary="Pass a legal review",
             description="By a legal_reviewer of the case's department who is not one of its investigators "
                         "(APL art. 58); the case may then be decided.", responses=WRITE)
async def pass_review(review_id: ReviewId, body: ReviewVerdict, session: SessionDep,
                      principal: PrincipalDep) -> ReviewOut:
    review = await reviews.decide_review(session, principal, review_id, True, body)
    await session.commit()
    return review_out(review)


@router.post("/reviews/{review_id}/reject", tags=["legal reviews"], summary="Reject a legal review",
             description="The case goes back to investigation.", responses=WRITE)
async def reject_review(review_id: ReviewId, body: ReviewVerdict, session: SessionDep,
                        principal: PrincipalDep) -> ReviewOut:
    review = await reviews.decide_review(session, principal, review_id, False, body)
    await session.commit()
    return review_out(review)
