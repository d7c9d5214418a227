"""Queries of the provisional-deadline recomputation: repair applications and objections whose
working-day deadlines were counted with a year whose holiday schedule was not yet known."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import Objection, RepairApplication


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def provisional_repairs(self, *, after_id: str, limit: int) -> list[RepairApplication]:
        stmt = (select(RepairApplication)
                .where(RepairApplication.decision_due_provisional.is_(True), RepairApplication.id > after_id)
                .order_by(RepairApplication.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())

    async def provisional_removals(self, *, after_id: str, limit: int) -> list[RepairApplication]:
        stmt = (select(RepairApplication)
                .where(RepairApplication.removal_due_provisional.is_(True), RepairApplication.id > after_id)
                .order_by(RepairApplication.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())

    async def provisional_objections(self, *, after_id: str, limit: int) -> list[Objection]:
        stmt = (select(Objection)
                .where(Objection.deadlines_provisional.is_(True), Objection.id > after_id)
                .order_by(Objection.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())
