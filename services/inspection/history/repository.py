"""Queries of an object's step history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.models import HistoryEntry, PopulationMember, Task


class HistoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def history(self, uscc: str, *, after: str | None, limit: int) -> list[dict[str, Any]]:
        """The object's own steps, the plan-wide steps of every plan whose population held it, and
        its drawing and assignment (stored as its task rows), oldest first by id."""
        in_population = select(PopulationMember.plan_id).where(PopulationMember.uscc == uscc)
        q = select(HistoryEntry).where(or_(
            HistoryEntry.uscc == uscc,
            and_(HistoryEntry.uscc.is_(None), HistoryEntry.plan_id.in_(in_population)),
        ))
        t = select(Task).where(Task.uscc == uscc, Task.kind == "random")
        if after:
            q = q.where(HistoryEntry.id > after)
            t = t.where(Task.id >= after[:36])
        entries = [{"id": h.id, "uscc": h.uscc, "plan_id": h.plan_id, "step": h.step, "actor": h.actor, "at": h.at,
                    "detail": h.detail or {}}
                   for h in (await self.session.execute(q.order_by(HistoryEntry.id).limit(limit + 1))).scalars()]
        for task in (await self.session.execute(t.order_by(Task.id).limit(limit + 1))).scalars():
            base = {"uscc": uscc, "plan_id": task.plan_id, "actor": task.created_by, "at": task.created_at}
            entries.append(base | {"id": task.id, "step": "drawn", "detail": {"task_id": task.id,
                                                                             "stratum": task.stratum}})
            # "<task id>:assigned" sorts right after the task id and before any later id.
            entries.append(base | {"id": f"{task.id}:assigned",
                                   "step": "assigned" if task.unassigned_reason is None else "assignment_failed",
                                   "detail": {"task_id": task.id, "inspector_ids": task.inspector_ids or [],
                                              "reason": task.unassigned_reason}})
        entries = sorted((e for e in entries if not after or e["id"] > after), key=lambda e: e["id"])
        return entries[: limit + 1]
