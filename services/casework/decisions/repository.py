"""Every query on decisions, their numbers and the first-offence read model (prior penalties)."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from sqlalchemy import bindparam, select, update

from services.casework.models import Decision, DecisionCounter, PriorPenalty
from shared.repository import Repository

_counter = DecisionCounter.__table__.c
# Statements of every decision, built once (values are parameters).
_BUMP_COUNTER = (update(DecisionCounter.__table__)
                 .where(_counter.department == bindparam("b_department"), _counter.year == bindparam("b_year"))
                 .values(last_seq=_counter.last_seq + 1)
                 .returning(_counter.last_seq))
_PRIOR_PENALTY_DATES = select(PriorPenalty.decided_on).where(PriorPenalty.uscc == bindparam("uscc"),
                                                             PriorPenalty.revoked.is_(False))

Row = TypeVar("Row", Decision, PriorPenalty)


class DecisionRepository(Repository):
    async def get(self, decision_id: str, *, for_update: bool = False) -> Decision | None:
        return await self.by_id(Decision, decision_id, for_update=for_update)

    async def of_case(self, case_id: str) -> list[Decision]:
        stmt = select(Decision).where(Decision.case_id == case_id).order_by(Decision.id)
        return list((await self.session.execute(stmt)).scalars())

    async def list(self, *, department: str | None, uscc: str | None, after_id: str | None,
                   limit: int) -> list[Decision]:
        stmt = select(Decision)
        if department is not None:
            stmt = stmt.where(Decision.department == department)
        if uscc is not None:
            stmt = stmt.where(Decision.uscc == uscc)
        if after_id is not None:
            stmt = stmt.where(Decision.id > after_id)
        return list((await self.session.execute(stmt.order_by(Decision.id).limit(limit))).scalars())

    def stage(self, row: Row) -> Row:
        """Add without flushing: the row is written with the transaction's next statement or commit."""
        self.session.add(row)
        return row

    async def next_number(self, department: str, year: int) -> int:
        """The next sequence number of the department's decisions in `year`.

        One UPDATE ... RETURNING: it row-locks the counter on PostgreSQL (the SQLite write lock
        on SQLite) until commit, so two decisions never share a number."""
        bumped = (await self.session.execute(_BUMP_COUNTER, {"b_department": department, "b_year": year})
                  ).scalar_one_or_none()
        if bumped is not None:
            return bumped
        self.session.add(DecisionCounter(department=department, year=year, last_seq=1))
        await self.session.flush()
        return 1

    # ------------------------------------------------------------------ first-offence read model

    async def prior_penalty_dates(self, uscc: str) -> list[date]:
        return list((await self.session.execute(_PRIOR_PENALTY_DATES, {"uscc": uscc})).scalars())

    async def prior_penalty(self, uscc: str, decision_ref: str) -> PriorPenalty | None:
        stmt = select(PriorPenalty).where(PriorPenalty.uscc == uscc, PriorPenalty.decision_ref == decision_ref)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def mark_prior_revoked(self, uscc: str, decision_ref: str) -> None:
        await self.session.execute(
            update(PriorPenalty)
            .where(PriorPenalty.uscc == uscc, PriorPenalty.decision_ref == decision_ref)
            .values(revoked=True)
        )
