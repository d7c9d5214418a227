"""Queries of inspection results."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.models import Result


class ResultsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: object) -> None:
        self.session.add(row)
        await self.session.flush()

    async def result(self, result_id: str, *, for_update: bool = False) -> Result | None:
        q = select(Result).where(Result.id == result_id)
        if for_update:
            q = q.with_for_update()
        return (await self.session.execute(q)).scalar_one_or_none()

    async def result_for(self, task_id: str, item_id: str) -> Result | None:
        q = select(Result).where(Result.task_id == task_id, Result.item_id == item_id)
        return (await self.session.execute(q)).scalar_one_or_none()

    async def list_results(self, *, department: str | None, uscc: str | None, plan_id: str | None,
                           overdue_on: date | None, after: str | None, limit: int) -> list[Result]:
        q = select(Result).order_by(Result.id).limit(limit + 1)
        if department:
            q = q.where(Result.department == department)
        if uscc:
            q = q.where(Result.uscc == uscc)
        if plan_id:
            q = q.where(Result.plan_id == plan_id)
        if overdue_on is not None:
            q = q.where(Result.published_on.is_(None), Result.publication_due < overdue_on)
        if after:
            q = q.where(Result.id > after)
        return list((await self.session.execute(q)).scalars())
