"""Queries of the provisional-deadline recomputation: results whose publication deadline was
counted with a year whose holiday schedule was not yet known."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.models import Result


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def provisional_results(self, *, after_id: str, limit: int) -> list[Result]:
        stmt = (select(Result)
                .where(Result.publication_due_provisional.is_(True), Result.id > after_id)
                .order_by(Result.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())
