"""Queries of the provisional-deadline recomputation: publications whose publication or withdrawal
deadline was counted with a year whose holiday schedule was not yet known, and their efficiency facts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import EfficiencyFact, Publication


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def provisional_publications(self, *, after_id: str, limit: int) -> list[Publication]:
        stmt = (select(Publication)
                .where(or_(Publication.due_provisional.is_(True), Publication.credit_site_due_provisional.is_(True)),
                       Publication.id > after_id)
                .order_by(Publication.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())

    async def provisional_withdrawals(self, *, after_id: str, limit: int) -> list[Publication]:
        stmt = (select(Publication)
                .where(Publication.withdrawal_due_provisional.is_(True), Publication.id > after_id)
                .order_by(Publication.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())

    async def set_fact_due(self, metric: str, ref: str, *, due_on: date, on_time: bool) -> None:
        """Correct the deadline of the efficiency fact recorded for (metric, ref), if there is one."""
        await self.session.execute(update(EfficiencyFact)
                                   .where(EfficiencyFact.metric == metric, EfficiencyFact.ref == ref)
                                   .values(due_on=due_on, on_time=on_time))
