"""Every query on legal reviews."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.models import LegalReview

# Built once (the case id is a parameter): every decision reads the case's reviews.
_REVIEWS_OF = select(LegalReview).where(LegalReview.case_id == bindparam("case_id")).order_by(LegalReview.id)


class ReviewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, review: LegalReview) -> LegalReview:
        self.session.add(review)
        await self.session.flush()
        return review

    async def get(self, review_id: str, *, for_update: bool = False) -> LegalReview | None:
        stmt = select(LegalReview).where(LegalReview.id == review_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def of_case(self, case_id: str) -> list[LegalReview]:
        return list((await self.session.execute(_REVIEWS_OF, {"case_id": case_id})).scalars())

    async def list(self, *, department: str | None, status: str | None, after_id: str | None,
                   limit: int) -> list[LegalReview]:
        stmt = select(LegalReview)
        if department is not None:
            stmt = stmt.where(LegalReview.department == department)
        if status is not None:
            stmt = stmt.where(LegalReview.status == status)
        if after_id is not None:
            stmt = stmt.where(LegalReview.id > after_id)
        return list((await self.session.execute(stmt.order_by(LegalReview.id).limit(limit))).scalars())
