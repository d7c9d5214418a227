"""Queries of inspection tasks, drawn or key (the draw's own are written by `plans.repository`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.models import Task


class TasksRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: object) -> None:
        self.session.add(row)
        await self.session.flush()

    async def task(self, task_id: str, *, for_update: bool = False) -> Task | None:
        q = select(Task).where(Task.id == task_id)
        if for_update:
            q = q.with_for_update()
        return (await self.session.execute(q)).scalar_one_or_none()

    async def task_for_alert(self, alert_id: str) -> Task | None:
        return (await self.session.execute(select(Task).where(Task.alert_id == alert_id))).scalar_one_or_none()

    async def alert_tasks_of(self, uscc: str) -> list[Task]:
        q = select(Task).where(Task.uscc == uscc, Task.alert_id.is_not(None)).order_by(Task.id)
        return list((await self.session.execute(q)).scalars())

    async def list_tasks(self, *, plan_id: str | None, kind: str | None, uscc: str | None,
                         inspector_id: str | None, unassigned: bool | None, after: str | None,
                         limit: int, department: str | None = None) -> list[Task]:
        q = select(Task).order_by(Task.id)
        if plan_id:
            q = q.where(Task.plan_id == plan_id)
        if kind:
            q = q.where(Task.kind == kind)
        if uscc:
            q = q.where(Task.uscc == uscc)
        if unassigned is not None:
            q = q.where(Task.unassigned_reason.is_not(None) if unassigned else Task.unassigned_reason.is_(None))
        if after:
            q = q.where(Task.id > after)
        if inspector_id is None and department is None:
            return list((await self.session.execute(q.limit(limit + 1))).scalars())
        # JSON membership is not portable SQL: filter in pages until the page is full.
        out: list[Task] = []
        cursor = after
        while len(out) <= limit:
            page = list((await self.session.execute(
                (q.where(Task.id > cursor) if cursor else q).limit(500))).scalars())
            if not page:
                break
            out += [t for t in page if (inspector_id is None or inspector_id in (t.inspector_ids or []))
                    and (department is None or department in (t.departments or []))]
            cursor = page[-1].id
        return out[: limit + 1]
