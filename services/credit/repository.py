"""Queries on subjects, and the bulk paths (import, regrade) that write many rows at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, Table, and_, any_, bindparam, exists, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import ListEntry, Subject
from shared.bus.envelope import encode_data
from shared.contracts import EventPayload
from shared.ids import new_id, new_ids
from shared.tracing import current_traceparent

SUBJECT_TABLE = Subject.__table__
SUBJECT_COLUMNS = [c.name for c in SUBJECT_TABLE.columns]
OUTBOX_COLUMNS = ["event_id", "event_type", "version", "source", "subject", "occurred_at", "data",
                  "traceparent", "attempts"]


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

    async def set_state(self, uscc: str, **values: Any) -> None:
        """Update grade / risk columns in one statement; a loaded Subject is kept in step, not made dirty."""
        await self.session.execute(update(Subject).where(Subject.uscc == uscc).values(**values),
                                   execution_options={"synchronize_session": "auto"})

    async def add(self, subject: Subject) -> None:
        self.session.add(subject)
        await self.session.flush()

    async def existing_usccs(self, usccs: Sequence[str]) -> set[str]:
        found: set[str] = set()
        if self.dialect == "postgresql":
            # One array parameter instead of thousands of bound values: far cheaper to send and plan.
            stmt = select(Subject.uscc).where(Subject.uscc == any_(bindparam("codes", type_=ARRAY(String))))
            return set((await self.session.execute(stmt, {"codes": list(usccs)})).scalars())
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

    async def bulk_add_event_data(self, event_type: str, version: int, data: list[str], subjects: list[str]) -> None:
        """Outbox rows for many events of one type whose data is already JSON (one statement)."""
        if not data:
            return
        db = self.session.info["database"]
        now = datetime.now(UTC)
        source = f"/supervision/{db.service}"
        trace = current_traceparent()
        rows = [(event_id, event_type, version, source, subject, now, d, trace, 0)
                for event_id, d, subject in zip(new_ids(len(data)), data, subjects)]
        await self._insert_many(db.outbox_table, OUTBOX_COLUMNS, rows)
        self.session.info["outbox_pending"] = True

    async def bulk_add_events(self, events: list[tuple[EventPayload | dict[str, Any], str, str, int]]) -> None:
        """Outbox rows for many events in one statement (COPY on PostgreSQL).

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
        for payload, subject, event_type, version in events:
            data = payload.model_dump(mode="json") if isinstance(payload, EventPayload) else payload
            rows.append((new_id(), event_type, version, source, subject, now, encode_data(data).decode(), trace, 0))
        await self._insert_many(db.outbox_table, OUTBOX_COLUMNS, rows)
        self.session.info["outbox_pending"] = True

    async def grading_batch(self, after: str | None, limit: int) -> list[Any]:
        """Next `limit` subjects by USCC: what bulk regrading needs and nothing more."""
        stmt = select(Subject.uscc, Subject.name, Subject.industry_risk, Subject.grade, Subject.grade_score,
                      Subject.risk_alerted)
        if after:
            stmt = stmt.where(Subject.uscc > after)
        return list((await self.session.execute(stmt.order_by(Subject.uscc).limit(limit))).all())

    async def bulk_set_grades(self, rows: list[dict[str, Any]]) -> None:
        """rows: {"k": uscc, "grade", "grade_score", "grade_version", "graded_on"}."""
        if not rows:
            return
        stmt = (update(SUBJECT_TABLE).where(SUBJECT_TABLE.c.uscc == bindparam("k"))
                .values(grade=bindparam("grade"), grade_score=bindparam("grade_score"),
                        grade_version=bindparam("grade_version"), graded_on=bindparam("graded_on")))
        await self.session.connection()
        await self.session.execute(stmt, rows, execution_options={"synchronize_session": False})
