"""Every query on cases, their history (the whole-process record), suspensions, extensions and evidence."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    bindparam,
    cast,
    insert,
    literal,
    null,
    select,
    union_all,
)

from services.casework.models import (
    Case,
    CaseExtension,
    CaseHistory,
    CaseSuspension,
    Evidence,
)
from shared.repository import Repository

_INSERT_HISTORY = insert(CaseHistory.__table__)
# Hot-path statements built once (ids are parameters), so SQLAlchemy neither rebuilds them nor
# recomputes their cache keys on every request.
_CASE = select(Case).where(Case.id == bindparam("case_id"))
_CASE_FOR_UPDATE = _CASE.with_for_update()
_s, _e = CaseSuspension.__table__.c, CaseExtension.__table__.c
# Both inputs of the decision clock in one round trip: suspensions (kind "s") and collective
# extensions (kind "e"), each in the order the clock takes them.
_CLOCK_INPUTS = union_all(
    select(literal("s").label("kind"), _s.start.label("day"), _s.reason.label("reason"), _s.end.label("end"),
           cast(null(), String).label("ref"), cast(null(), Integer).label("days"))
    .where(_s.case_id == bindparam("case_id")),
    select(literal("e"), _e.decided_on, cast(null(), String), cast(null(), Date), _e.decision_ref, _e.days)
    .where(_e.case_id == bindparam("case_id")),
).order_by("kind", "day")


class CaseRepository(Repository):
    # ------------------------------------------------------------------ cases

    async def get(self, case_id: str, *, for_update: bool = False) -> Case | None:
        stmt = _CASE_FOR_UPDATE if for_update else _CASE
        return (await self.session.execute(stmt, {"case_id": case_id})).scalar_one_or_none()

    async def by_source(self, source_kind: str, source_ref: str) -> Case | None:
        stmt = select(Case).where(Case.source_kind == source_kind, Case.source_ref == source_ref)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list(
        self, *, department: str | None, state: str | None, due_on_or_before: date | None,
        due_after: date | None, after_id: str | None, limit: int,
    ) -> list[Case]:
        stmt = select(Case)
        if department is not None:
            stmt = stmt.where(Case.department == department)
        if state is not None:
            stmt = stmt.where(Case.state == state)
        if due_on_or_before is not None:
            stmt = stmt.where(Case.clock_due.is_not(None), Case.clock_due <= due_on_or_before)
        if due_after is not None:
            stmt = stmt.where(Case.clock_due > due_after)
        if after_id is not None:
            stmt = stmt.where(Case.id > after_id)
        return list((await self.session.execute(stmt.order_by(Case.id).limit(limit))).scalars())

    async def clocks_to_check(self, due_on_or_before: date, after_id: str | None, limit: int) -> list[Case]:
        """Cases whose running clock ends by the given day (due soon or overdue)."""
        stmt = (
            select(Case)
            .where(Case.clock_due.is_not(None), Case.clock_due <= due_on_or_before)
            .order_by(Case.id)
            .limit(limit)
        )
        if after_id is not None:
            stmt = stmt.where(Case.id > after_id)
        return list((await self.session.execute(stmt)).scalars())

    # ------------------------------------------------------------------ clock inputs

    async def clock_inputs(self, case_id: str) -> tuple[list[tuple[str, date, date | None]], list[tuple[str, int]]]:
        """(suspensions by start: reason, start, end; extensions by decision day: ref, days), one query."""
        rows = (await self.session.execute(_CLOCK_INPUTS, {"case_id": case_id})).all()
        return ([(r.reason, r.day, r.end) for r in rows if r.kind == "s"],
                [(r.ref, r.days) for r in rows if r.kind == "e"])

    async def open_suspension(self, case_id: str) -> CaseSuspension | None:
        stmt = select(CaseSuspension).where(CaseSuspension.case_id == case_id, CaseSuspension.end.is_(None))
        return (await self.session.execute(stmt)).scalars().first()

    # ------------------------------------------------------------------ evidence

    async def evidence(self, case_id: str) -> list[Evidence]:
        stmt = select(Evidence).where(Evidence.case_id == case_id).order_by(Evidence.id)
        return list((await self.session.execute(stmt)).scalars())

    # ------------------------------------------------------------------ whole-process record

    async def append_history(self, values: dict[str, Any]) -> None:
        """One line of the record as a plain INSERT (never read back in the same transaction): its
        pending case changes are flushed first, so lines keep the order of the actions."""
        await self.session.execute(_INSERT_HISTORY, values)

    async def history(self, case_id: str, *, after_seq: int | None = None, limit: int | None = None) -> list[CaseHistory]:
        stmt = select(CaseHistory).where(CaseHistory.case_id == case_id).order_by(CaseHistory.seq)
        if after_seq is not None:
            stmt = stmt.where(CaseHistory.seq > after_seq)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list((await self.session.execute(stmt)).scalars())

    async def actors(self, case_id: str, *, except_actions: tuple[str, ...]) -> set[str]:
        """Client ids that recorded any action on the case other than `except_actions`."""
        stmt = (select(CaseHistory.actor_client_id).distinct()
                .where(CaseHistory.case_id == case_id, CaseHistory.actor_client_id.is_not(None),
                       CaseHistory.action.not_in(except_actions)))
        return {row for row in (await self.session.execute(stmt)).scalars()}
