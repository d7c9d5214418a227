"""Queries on subjects, and the bulk paths (import, regrade) that write many rows at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Float,
    String,
    Table,
    UniqueConstraint,
    and_,
    any_,
    bindparam,
    cast,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from services.credit.models import ListEntry, Subject
from shared import pgcopy
from shared.bus.envelope import encode_data
from shared.contracts import EventPayload
from shared.errors import Conflict
from shared.ids import new_ids
from shared.tracing import current_traceparent

SUBJECT_TABLE = Subject.__table__
SUBJECT_COLUMNS = [c.name for c in SUBJECT_TABLE.columns]
OUTBOX_COLUMNS = ["event_id", "event_type", "version", "source", "subject", "occurred_at", "data",
                  "traceparent", "attempts"]


class UsccTaken(Conflict):
    """A bulk write met a subject registered already (409 should it reach a client: a registration
    that committed between a batch's look-up and its write)."""


_USCC_UNIQUE = next(c.name for c in SUBJECT_TABLE.constraints if isinstance(c, UniqueConstraint)
                    and [col.name for col in c.columns] == ["uscc"])


class SubjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.bind.dialect.name

    async def get(self, uscc: str, *, for_update: bool = False) -> Subject | None:
        stmt = select(Subject).where(Subject.uscc == uscc)
        if for_update and self.dialect == "postgresql":
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def grading_state(self, uscc: str) -> Any:
        """What regrading one subject reads of it (a row, not an ORM object), or None."""
        return (await self.session.execute(_GRADING_STATE, {"u": uscc})).first()

    async def set_state(self, uscc: str, values: dict[str, Any]) -> None:
        """Store grade and risk (every GRADING_STATE_COLUMNS but uscc and name) with one cached statement; a
        Subject loaded in this session is kept in step without being made dirty."""
        await self.session.execute(_SET_STATE, {"u": uscc, **values})
        for obj in self.session.identity_map.values():
            if type(obj) is Subject and obj.uscc == uscc:
                for name, value in values.items():
                    set_committed_value(obj, name, value)

    async def add(self, subject: Subject) -> None:
        self.session.add(subject)
        await self.session.flush()

    async def existing_usccs(self, usccs: Sequence[str]) -> set[str]:
        found: set[str] = set()
        if self.dialect == "postgresql":
            # One parameter instead of thousands of bound values: far cheaper to send and plan. Codes
            # without commas (every valid USCC) go as one string split by the server, which spares
            # the driver checking and encoding each element of an array.
            codes = ",".join(usccs)
            if not usccs or codes.count(",") != len(usccs) - 1:
                stmt = select(Subject.uscc).where(Subject.uscc == any_(bindparam("codes", type_=ARRAY(String))))
                return set((await self.session.execute(stmt, {"codes": list(usccs)})).scalars())
            return set((await self.session.execute(_USCCS_AMONG, {"codes": codes})).scalars())
        for i in range(0, len(usccs), 5000):  # stay under every driver's bound-parameter limit
            chunk = list(usccs[i : i + 5000])
            rows = await self.session.execute(select(Subject.uscc).where(Subject.uscc.in_(chunk)))
            found.update(rows.scalars())
        return found

    async def search(self, *, uscc: str | None, name: str | None, district: str | None,
                     industry_code: str | None, grade: str | None, list_kind: str | None,
                     status: str | None, after: str | None, limit: int) -> list[Subject]:
        stmt = select(Subject)
        if uscc:
            stmt = stmt.where(Subject.uscc == uscc)
        if name:
            stmt = stmt.where(Subject.name.icontains(name, autoescape=True))
        if district:
            stmt = stmt.where(Subject.district == district)
        if industry_code:
            stmt = stmt.where(Subject.industry_code.startswith(industry_code, autoescape=True))
        if grade:
            stmt = stmt.where(Subject.grade == grade)
        if status:
            stmt = stmt.where(Subject.status == status)
        if list_kind:
            stmt = stmt.where(exists().where(and_(
                ListEntry.uscc == Subject.uscc, ListEntry.list_kind == list_kind, ListEntry.exited_on.is_(None))))
        if after:
            stmt = stmt.where(Subject.uscc > after)
        stmt = stmt.order_by(Subject.uscc).limit(limit)
        return list((await self.session.execute(stmt)).scalars())

    # --- bulk paths ---------------------------------------------------------------------

    async def _driver_connection(self) -> Any:
        """The driver's connection under this session's transaction."""
        conn = await self.session.connection()
        # The driver opens its transaction at the first statement: make sure COPY runs inside it.
        await conn.exec_driver_sql("SELECT 1")
        raw = await conn.get_raw_connection()
        return raw.driver_connection

    async def _insert_many(self, table: Table, columns: list[str], records: list[tuple]) -> None:
        """Many rows in the session's transaction by the driver's fastest path: COPY on PostgreSQL, one
        prepared INSERT run by executemany on SQLite (values converted by the columns' own SQL types)."""
        driver = await self._driver_connection()
        if self.dialect == "postgresql":
            await driver.copy_records_to_table(table.name, records=records, columns=columns)
            return
        dialect = self.session.bind.dialect
        processors = [(i, p) for i, c in enumerate(columns)
                      if (p := table.c[c].type._cached_bind_processor(dialect)) is not None]
        if processors:
            converted = []
            for rec in records:
                r = list(rec)
                for i, p in processors:
                    r[i] = p(r[i])
                converted.append(r)
            records = converted
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        await driver.executemany(sql, records)

    async def bulk_insert_tuples(self, rows: list[tuple]) -> None:
        """Insert many subjects (tuples in SUBJECT_COLUMNS order) in one statement, in the session's transaction."""
        if rows:
            await self._insert_many(SUBJECT_TABLE, SUBJECT_COLUMNS, rows)

    async def bulk_add_event_data(self, event_type: str, version: int, events: list[tuple[str, str]],
                                  subjects: list[str]) -> None:
        """Outbox rows for many events of one type: (event id, data already JSON) and their subjects."""
        if not events:
            return
        db = self.session.info["database"]
        now = datetime.now(UTC)
        source = f"/supervision/{db.service}"
        trace = current_traceparent()
        rows = [(event_id, event_type, version, source, subject, now, d, trace, 0)
                for (event_id, d), subject in zip(events, subjects)]
        await self._insert_many(db.outbox_table, OUTBOX_COLUMNS, rows)
        self.session.info["outbox_pending"] = True

    async def _copy_records(self, table: Table, columns: list[str], records: list[bytes]) -> None:
        """PostgreSQL only: rows already encoded as binary COPY records, in the session's transaction."""
        if records:
            driver = await self._driver_connection()
            # A memoryview: asyncpg would take plain bytes for a file path.
            await driver.copy_to_table(table.name, source=memoryview(pgcopy.payload(records)), columns=columns,
                                       format="binary")

    async def copy_subject_records(self, records: list[bytes]) -> None:
        """Raises UsccTaken when one of the subjects is registered already (the transaction is then spoilt)."""
        from asyncpg.exceptions import UniqueViolationError

        try:
            await self._copy_records(SUBJECT_TABLE, SUBJECT_COLUMNS, records)
        except UniqueViolationError as exc:
            if exc.constraint_name == _USCC_UNIQUE:
                raise UsccTaken(f"a subject of this batch is already registered: {exc.detail or exc}") from exc
            raise

    async def copy_outbox_records(self, records: list[bytes]) -> None:
        """Outbox rows as binary COPY records (OUTBOX_COLUMNS): the relay publishes them like any other."""
        if records:
            await self._copy_records(self.session.info["database"].outbox_table, OUTBOX_COLUMNS, records)
            self.session.info["outbox_pending"] = True

    async def bulk_add_events(self, events: list[tuple[EventPayload | dict[str, Any], str, str, int]]) -> None:
        """Outbox rows for events, in order, in one statement: COPY for many on PostgreSQL, one
        cached INSERT otherwise (the hot path of an event-driven regrade writes one to three).

        `events` holds (payload or its JSON-ready dict, subject, event type, version). Rows are
        the ones shared.bus.outbox.add_event writes, so the relay publishes them the same way.
        """
        if not events:
            return
        db = self.session.info["database"]
        now = datetime.now(UTC)
        source = f"/supervision/{db.service}"
        trace = current_traceparent()
        rows = []
        for (payload, subject, event_type, version), event_id in zip(events, new_ids(len(events))):
            data = payload.model_dump(mode="json") if isinstance(payload, EventPayload) else payload
            rows.append((event_id, event_type, version, source, subject, now, encode_data(data).decode(), trace, 0))
        if len(rows) >= _COPY_FROM and self.dialect == "postgresql":
            await self._insert_many(db.outbox_table, OUTBOX_COLUMNS, rows)
        else:
            await self.session.execute(_outbox_insert(db.outbox_table), [dict(zip(OUTBOX_COLUMNS, r)) for r in rows])
        self.session.info["outbox_pending"] = True

    async def grading_batch(self, after: str | None, limit: int) -> list[Any]:
        """Next `limit` subjects by USCC as (uscc, industry_risk, grade, grade_score as float): what bulk
        regrading needs and nothing more, through Core (no ORM rows: millions of subjects a night)."""
        if self.dialect == "postgresql":  # the driver's own records: half the cost of Core rows
            driver = await self._driver_connection()
            return await driver.fetch(_GRADING_BATCH_PG, after or "", limit)
        t = SUBJECT_TABLE
        stmt = select(t.c.uscc, t.c.industry_risk, t.c.grade, cast(t.c.grade_score, Float))
        if after:
            stmt = stmt.where(t.c.uscc > after)
        conn = await self.session.connection()
        return list((await conn.execute(stmt.order_by(t.c.uscc).limit(limit))).all())

    async def bulk_set_grades(self, usccs: list[str], grades: list[str], scores: list[Decimal], version: str,
                              graded_on: date) -> None:
        """Store new grades of many subjects: one UPDATE ... FROM unnest(arrays) on PostgreSQL (one
        statement, not one per row), one prepared UPDATE run by executemany on SQLite."""
        if not usccs:
            return
        conn = await self.session.connection()
        if self.dialect == "postgresql":
            await conn.execute(_SET_GRADES_PG, {"k": usccs, "g": grades, "s": scores, "v": version, "d": graded_on})
            return
        t = SUBJECT_TABLE
        stmt = (update(t).where(t.c.uscc == bindparam("k"))
                .values(grade=bindparam("g"), grade_score=bindparam("s"), grade_version=version, graded_on=graded_on))
        await conn.execute(stmt, [{"k": k, "g": g, "s": sc} for k, g, sc in zip(usccs, grades, scores)])


GRADING_STATE_COLUMNS = ("uscc", "name", "industry_risk", "grade", "grade_score", "grade_version", "graded_on",
                         "risk_alerted", "risk_score", "risk_level", "risk_version")
# Statements of the event-driven regrade, built once: constructing one per call costs more than running it.
_GRADING_STATE = select(*(SUBJECT_TABLE.c[n] for n in GRADING_STATE_COLUMNS)).where(SUBJECT_TABLE.c.uscc == bindparam("u"))
_SET_STATE = (update(SUBJECT_TABLE).where(SUBJECT_TABLE.c.uscc == bindparam("u"))
              .values({n: bindparam(n) for n in GRADING_STATE_COLUMNS[2:] if n != "industry_risk"}))
_COPY_FROM = 200  # outbox rows from which COPY beats one INSERT run by executemany
# Registered subjects among comma-separated USCCs (PostgreSQL).
_USCCS_AMONG = select(Subject.uscc).where(
    Subject.uscc == any_(func.string_to_array(bindparam("codes", type_=String), ",")))


@lru_cache(maxsize=8)
def _outbox_insert(table: Table) -> Any:
    return insert(table)


_GRADING_BATCH_PG = ("SELECT uscc, industry_risk, grade, grade_score::float8 FROM subjects WHERE uscc > $1 "
                     "ORDER BY uscc LIMIT $2")
_SET_GRADES_PG = text(
    "UPDATE subjects AS s SET grade = v.grade, grade_score = v.score, grade_version = :v, graded_on = :d "
    "FROM unnest(CAST(:k AS varchar[]), CAST(:g AS varchar[]), CAST(:s AS numeric[])) AS v(uscc, grade, score) "
    "WHERE s.uscc = v.uscc")
