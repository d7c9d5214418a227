"""Queries of plans, their frozen populations and draws (with the draw's tasks, written in bulk)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    String,
    bindparam,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.models import (
    Draw,
    InspectionObject,
    Plan,
    PlanDepartment,
    PopulationMember,
    PopulationStratum,
    Task,
)
from shared.errors import Conflict

_BULK_CHUNK = 5000
UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE
TASK_COLUMNS = ("id", "kind", "plan_id", "uscc", "departments", "item_ids", "inspector_ids", "unassigned_reason",
                "stratum", "reason", "alert_id", "created_by", "created_at")


class PopulationRow(NamedTuple):
    """One member of a frozen population; plain tuple attribute access keeps the draw loop fast."""

    uscc: str
    grade: str | None
    red_list: bool
    district: str | None
    risk_level: str | None


class PlansRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: object) -> None:
        self.session.add(row)
        await self.session.flush()

    async def add_all(self, rows: Sequence[object]) -> None:
        self.session.add_all(rows)
        await self.session.flush()

    # ------------------------------------------------------------------ plans
    async def plan(self, plan_id: str, *, for_update: bool = False) -> Plan | None:
        q = select(Plan).where(Plan.id == plan_id)
        if for_update:
            q = q.with_for_update()
        return (await self.session.execute(q)).scalar_one_or_none()

    async def list_plans(self, *, department: str | None, status: str | None, after: str | None,
                         limit: int) -> list[Plan]:
        q = select(Plan).order_by(Plan.id).limit(limit + 1)
        if department:
            q = q.where(Plan.id.in_(select(PlanDepartment.plan_id).where(PlanDepartment.department == department)))
        if status:
            q = q.where(Plan.status == status)
        if after:
            q = q.where(Plan.id > after)
        return list((await self.session.execute(q)).scalars())

    # ------------------------------------------------------------------ population
    async def freeze_population(self, plan_id: str, condition: ColumnElement[bool]) -> None:
        """Copy the eligible objects into the plan's population in one INSERT ... SELECT."""
        src = select(
            literal(plan_id), InspectionObject.uscc, InspectionObject.grade, InspectionObject.red_list,
            InspectionObject.district, InspectionObject.risk_level,
        ).where(condition)
        await self.session.execute(insert(PopulationMember).from_select(
            ["plan_id", "uscc", "grade", "red_list", "district", "risk_level"], src))

    async def population(self, plan_id: str) -> list[PopulationRow]:
        """The frozen population ordered by USCC: the draw's input."""
        q = (select(PopulationMember.uscc, PopulationMember.grade, PopulationMember.red_list,
                    PopulationMember.district, PopulationMember.risk_level)
             .where(PopulationMember.plan_id == plan_id).order_by(PopulationMember.uscc))
        make = PopulationRow._make
        return [make(r) for r in await self.session.execute(q)]

    async def population_page(self, plan_id: str, *, after: str, limit: int) -> list[Any]:
        q = (select(PopulationMember.uscc, PopulationMember.grade, PopulationMember.red_list,
                    PopulationMember.district, PopulationMember.risk_level)
             .where(PopulationMember.plan_id == plan_id, PopulationMember.uscc > after)
             .order_by(PopulationMember.uscc).limit(limit + 1))
        return list((await self.session.execute(q)).all())

    async def stream_population(self, plan_id: str, chunk: int = 20000) -> AsyncIterator[list[Any]]:
        """The population in USCC order, chunk by chunk (keyset paging, bounded memory)."""
        after = ""
        while True:
            rows = (await self.population_page(plan_id, after=after, limit=chunk))[:chunk]
            if not rows:
                return
            yield rows
            after = rows[-1].uscc

    async def population_strata(self, plan_id: str) -> list[PopulationStratum]:
        """The frozen population in the draw's form (empty for plans committed before it existed)."""
        q = select(PopulationStratum).where(PopulationStratum.plan_id == plan_id).order_by(PopulationStratum.name)
        return list((await self.session.execute(q)).scalars())

    async def last_inspectors(self, usccs: Sequence[str]) -> dict[str, list[str]]:
        """Previous inspectors of these objects (rotation), from the read model."""
        has_last = InspectionObject.last_inspector_ids.is_not(None)
        cols = (InspectionObject.uscc, InspectionObject.last_inspector_ids)
        if await self._dialect() == "postgresql":
            # One array parameter instead of one per code, joined (hashed) against the objects inspected
            # before: "= ANY(array)" of 190,000 codes would scan all 3,000,000 objects instead.
            drawn = (func.unnest(bindparam("codes", list(usccs), type_=ARRAY(String)))
                     .table_valued("uscc").render_derived(name="drawn"))
            q = select(*cols).join(drawn, drawn.c.uscc == InspectionObject.uscc).where(has_last)
            found = (await self.session.execute(q)).all()
        else:
            found = []
            for i in range(0, len(usccs), _BULK_CHUNK):
                q = select(*cols).where(InspectionObject.uscc.in_(usccs[i : i + _BULK_CHUNK]), has_last)
                found += (await self.session.execute(q)).all()
        return {u: list(ids) for u, ids in found if ids}

    # ------------------------------------------------------------------ draws and tasks
    async def draw(self, plan_id: str) -> Draw | None:
        return await self.session.get(Draw, plan_id)

    async def add_draw(self, draw: Draw) -> None:
        """One draw per plan, even when two requests race past the status check (SQLite has no row locks)."""
        self.session.add(draw)
        try:
            await self.session.flush()
        except IntegrityError:
            raise Conflict("this plan was drawn already; a draw is never run twice", current_state="drawn") from None

    async def bulk_insert(self, model: type, rows: Sequence[dict[str, Any]]) -> None:
        for i in range(0, len(rows), _BULK_CHUNK):
            # Core insert (executemany / insertmanyvalues): no ORM bookkeeping per row.
            await self.session.execute(insert(model.__table__), list(rows[i : i + _BULK_CHUNK]))

    async def add_random_tasks(self, rows: Sequence[tuple[str, str, Sequence[str], str | None, str]], *,
                               plan_id: str, departments: list[str], item_ids: list[str], created_by: str,
                               created_at: datetime) -> None:
        """A draw's tasks, (id, uscc, inspector ids, unassigned reason, stratum) each: COPY on
        PostgreSQL, one executemany on SQLite. The plan-wide values are encoded once for all rows
        and each inspector id once, instead of three JSON encodings per row."""
        conn = await self.session.connection()
        columns = Task.__table__.c

        def encode(column: str, value: Any) -> Any:
            process = columns[column].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
            return process(value) if process else value

        departments_json, item_ids_json = encode("departments", departments), encode("item_ids", item_ids)
        at, names = encode("created_at", created_at), {}
        records = []
        for task_id, uscc, inspector_ids, unassigned_reason, stratum in rows:
            for i in inspector_ids:
                if i not in names:
                    names[i] = json.dumps(i)
            records.append((task_id, "random", plan_id, uscc, departments_json, item_ids_json,
                            "[" + ",".join([names[i] for i in inspector_ids]) + "]", unassigned_reason, stratum,
                            None, None, created_by, at))
        # In USCC order, the rows of this plan extend uq_tasks_plan_uscc at its right edge instead of
        # landing all over it (ids keep the draw order, as before).
        records.sort(key=itemgetter(3))
        drawn_twice = Conflict("this plan was drawn already; a draw is never run twice", current_state="drawn")
        if conn.dialect.name == "postgresql":
            raw = await conn.get_raw_connection()
            try:
                await raw.driver_connection.copy_records_to_table(Task.__tablename__, records=records,
                                                                   columns=list(TASK_COLUMNS))
            except Exception as exc:  # the driver's own error: COPY bypasses SQLAlchemy
                if getattr(exc, "sqlstate", None) == UNIQUE_VIOLATION:
                    raise drawn_twice from None
                raise
        else:
            marks = ", ".join("?" * len(TASK_COLUMNS))
            try:
                await conn.exec_driver_sql(
                    f"INSERT INTO {Task.__tablename__} ({', '.join(TASK_COLUMNS)}) VALUES ({marks})", records)
            except IntegrityError:
                raise drawn_twice from None

    async def _dialect(self) -> str:
        return (await self.session.connection()).dialect.name
