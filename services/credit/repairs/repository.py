"""Queries on credit repair applications and objections."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import Objection, RepairApplication


class RepairRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, application: RepairApplication) -> None:
        self.session.add(application)
        await self.session.flush()

    async def get(self, application_id: str) -> RepairApplication | None:
        return await self.session.get(RepairApplication, application_id)

    async def pending_for_record(self, record_id: str) -> RepairApplication | None:
        stmt = select(RepairApplication).where(RepairApplication.record_id == record_id,
                                               RepairApplication.status == "pending")
        return (await self.session.execute(stmt.limit(1))).scalar_one_or_none()

    async def search(self, *, department: str | None, status: str | None, overdue_on: date | None,
                     after: str | None, limit: int) -> list[RepairApplication]:
        stmt = select(RepairApplication)
        if department:
            stmt = stmt.where(RepairApplication.department == department)
        if status:
            stmt = stmt.where(RepairApplication.status == status)
        if overdue_on is not None:
            stmt = stmt.where(RepairApplication.status == "pending", RepairApplication.decision_due < overdue_on)
        if after:
            stmt = stmt.where(RepairApplication.id > after)
        return list((await self.session.execute(stmt.order_by(RepairApplication.id).limit(limit))).scalars())


class ObjectionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, objection: Objection) -> None:
        self.session.add(objection)
        await self.session.flush()

    async def get(self, objection_id: str) -> Objection | None:
        return await self.session.get(Objection, objection_id)

    async def search(self, *, department: str | None, status: str | None, after: str | None,
                     limit: int) -> list[Objection]:
        stmt = select(Objection)
        if department:
            stmt = stmt.where(Objection.department == department)
        if status:
            stmt = stmt.where(Objection.status == status)
        if after:
            stmt = stmt.where(Objection.id > after)
        return list((await self.session.execute(stmt.order_by(Objection.id).limit(limit))).scalars())
