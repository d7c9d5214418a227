"""Queries of the efficiency evaluation: one fact per timed duty, counted per department and month."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import EfficiencyFact

# Built once per dialect; the fact's values are the parameters.
_RECORD = {pg: ins(EfficiencyFact.__table__).on_conflict_do_nothing() for pg, ins in ((True, pg_insert),
                                                                                      (False, sqlite_insert))}


class EfficiencyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, **values) -> None:
        """Insert a fact; a second fact for the same (metric, ref) is ignored (redelivery, replays)."""
        await self.session.execute(_RECORD[self.session.bind.dialect.name == "postgresql"], values)

    async def month(self, month: str, department: str | None = None) -> list[tuple[str, str, int, int]]:
        """(department, metric, total, on time) for one month."""
        q = (select(EfficiencyFact.department, EfficiencyFact.metric, func.count(),
                    func.sum(case((EfficiencyFact.on_time.is_(True), 1), else_=0)))
             .where(EfficiencyFact.month == month)
             .group_by(EfficiencyFact.department, EfficiencyFact.metric)
             .order_by(EfficiencyFact.department, EfficiencyFact.metric))
        if department:
            q = q.where(EfficiencyFact.department == department)
        return [(d, m, int(n), int(ok or 0)) for d, m, n, ok in (await self.session.execute(q)).all()]
