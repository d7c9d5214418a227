"""Every query on legal reviews."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from services.casework.models import LegalReview
from shared.repository import Repository

# Built once (the case id is a parameter): every decision reads the case's reviews.
_REVIEWS_OF = select(LegalReview).where(LegalReview.case_id == bindparam("case_id")).order_by(LegalReview.id)


class ReviewRepository(Repository):
    async def get(self, review_id: str, *, for_update: bool = False) -> LegalReview | None:
        return await self.by_id(LegalReview, review_id, for_update=for_update)

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
