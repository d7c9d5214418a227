"""Queries on subjects, and the bulk paths of the import that write many rows at once (the driver's
fastest paths, driver_connection and insert_many, serve the bulk regrade too)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    String,
    Table,
    UniqueConstraint,
    and_,
    any_,
    bindparam,
    exists,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import ListEntry, Subject
from shared import pgcopy
from shared.errors import Conflict
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

    async def bulk_insert_tuples(self, rows: list[tuple]) -> None:
        """Insert many subjects (tuples in SUBJECT_COLUMNS order) in one statement, in the session's transaction."""
        if rows:
            await insert_many(self.session, SUBJECT_TABLE, SUBJECT_COLUMNS, rows)

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
        await insert_many(self.session, db.outbox_table, OUTBOX_COLUMNS, rows)
        self.session.info["outbox_pending"] = True

    async def _copy_records(self, table: Table, columns: list[str], records: list[bytes]) -> None:
        """PostgreSQL only: rows already encoded as binary COPY records, in the session's transaction."""
        if records:
            driver = await driver_connection(self.session)
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


# Registered subjects among comma-separated USCCs (PostgreSQL).
_USCCS_AMONG = select(Subject.uscc).where(
    Subject.uscc == any_(func.string_to_array(bindparam("codes", type_=String), ",")))


async def driver_connection(session: AsyncSession) -> Any:
    """The driver's connection under this session's transaction."""
    conn = await session.connection()
    # The driver opens its transaction at the first statement: make sure COPY runs inside it.
    await conn.exec_driver_sql("SELECT 1")
    raw = await conn.get_raw_connection()
    return raw.driver_connection


async def insert_many(session: AsyncSession, table: Table, columns: list[str], records: list[tuple]) -> None:
    """Many rows in the session's transaction by the driver's fastest path: COPY on PostgreSQL, one
    prepared INSERT run by executemany on SQLite (values converted by the columns' own SQL types)."""
    driver = await driver_connection(session)
    dialect = session.bind.dialect
    if dialect.name == "postgresql":
        await driver.copy_records_to_table(table.name, records=records, columns=columns)
        return
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
