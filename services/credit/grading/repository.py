"""Queries of grading: what the rules read of a subject's records and list entries, and the grade
and risk state stored on the subject (one subject on the event path, many in the bulk regrade)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Float,
    Table,
    bindparam,
    cast,
    insert,
    literal_column,
    null,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from services.credit.models import CreditRecord, ListEntry, Subject
from services.credit.subjects.repository import (
    OUTBOX_COLUMNS,
    SUBJECT_TABLE,
    driver_connection,
    insert_many,
)
from shared.bus.envelope import encode_data
from shared.contracts import EventPayload
from shared.ids import new_ids
from shared.redaction.events import minimise_event_data
from shared.tracing import current_traceparent

# What the grading and risk rules read of a record (no text columns: bulk regrading is hot).
FACT_COLUMNS = (CreditRecord.id, CreditRecord.uscc, CreditRecord.kind, CreditRecord.department, CreditRecord.decision_date,
                CreditRecord.severity, CreditRecord.outcome, CreditRecord.penalty_kind, CreditRecord.amount,
                CreditRecord.publicity_start, CreditRecord.publicity_end, CreditRecord.restriction_end,
                CreditRecord.status, CreditRecord.status_on)
MEMBERSHIP_COLUMNS = (ListEntry.uscc, ListEntry.list_kind, ListEntry.entered_on, ListEntry.reason,
                      ListEntry.exited_on)
_RECORDS = CreditRecord.__table__
# Statements of the event-driven regrade, built once (building one per call costs more than running it);
# run through the session, so pending changes are flushed first.
# Table columns, not mapped attributes: Core statements skip the ORM's compile and row machinery.
_FACT_ROWS = (select(*(_RECORDS.c[c.key] for c in FACT_COLUMNS))
              .where(_RECORDS.c.uscc == bindparam("u"), _RECORDS.c.status != "revoked"))
_LISTS = ListEntry.__table__
# A subject's records and list memberships in one round trip: a membership's columns ride in record
# columns of the same type (list_kind as kind, entered_on as decision_date, reason as severity,
# exited_on as status_on), the rows told apart by `tag`.
_MEMBERSHIP_AS_FACT = {"uscc": _LISTS.c.uscc, "kind": _LISTS.c.list_kind, "decision_date": _LISTS.c.entered_on,
                       "severity": _LISTS.c.reason, "status_on": _LISTS.c.exited_on}
_FACTS_AND_MEMBERSHIPS = union_all(
    select(literal_column("'record'").label("tag"), *(_RECORDS.c[c.key] for c in FACT_COLUMNS))
    .where(_RECORDS.c.uscc == bindparam("u"), _RECORDS.c.status != "revoked"),
    select(literal_column("'list'"), *(_MEMBERSHIP_AS_FACT.get(c.key, null()) for c in FACT_COLUMNS))
    .where(_LISTS.c.uscc == bindparam("u")))


class GradingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.bind.dialect.name

    # --- what the rules read --------------------------------------------------------------

    async def fact_rows(self, uscc: str) -> list[Any]:
        return list((await self.session.execute(_FACT_ROWS, {"u": uscc})).all())

    async def facts_and_memberships(self, uscc: str) -> tuple[list[Any], list[Any]]:
        """(record rows as fact_rows gives them, list entries as (list_kind, entered_on, reason, exited_on))."""
        records, members = [], []
        for row in (await self.session.execute(_FACTS_AND_MEMBERSHIPS, {"u": uscc})).all():
            if row.tag == "record":
                records.append(row)
            else:
                members.append((row.kind, row.decision_date, row.severity, row.status_on))
        return records, members

    async def fact_rows_between(self, first: str, last: str) -> list[Any]:
        stmt = select(*FACT_COLUMNS).where(CreditRecord.uscc >= first, CreditRecord.uscc <= last,
                                           CreditRecord.status != "revoked")
        return list((await (await self.session.connection()).execute(stmt)).all())  # Core rows: no ORM

    async def membership_rows_between(self, first: str, last: str) -> list[Any]:
        stmt = select(*MEMBERSHIP_COLUMNS).where(ListEntry.uscc >= first, ListEntry.uscc <= last)
        return list((await (await self.session.connection()).execute(stmt)).all())

    # --- one subject's grade and risk -----------------------------------------------------

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
            # Redacted as add_event does; the ready dicts are the bulk regrade's grade changes (codes, figures).
            data = minimise_event_data(payload.model_dump(mode="json")) if isinstance(payload, EventPayload) \
                else payload
            rows.append((event_id, event_type, version, source, subject, now, encode_data(data).decode(), trace, 0))
        if len(rows) >= _COPY_FROM and self.dialect == "postgresql":
            await insert_many(self.session, db.outbox_table, OUTBOX_COLUMNS, rows)
        else:
            await self.session.execute(_outbox_insert(db.outbox_table), [dict(zip(OUTBOX_COLUMNS, r)) for r in rows])
        self.session.info["outbox_pending"] = True

    # --- the bulk regrade -----------------------------------------------------------------

    async def grading_batch(self, after: str | None, limit: int) -> list[Any]:
        """Next `limit` subjects by USCC as (uscc, industry_risk, grade, grade_score as float): what bulk
        regrading needs and nothing more, through Core (no ORM rows: millions of subjects a night)."""
        if self.dialect == "postgresql":  # the driver's own records: half the cost of Core rows
            driver = await driver_connection(self.session)
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


@lru_cache(maxsize=8)
def _outbox_insert(table: Table) -> Any:
    return insert(table)


_GRADING_BATCH_PG = ("SELECT uscc, industry_risk, grade, grade_score::float8 FROM subjects WHERE uscc > $1 "
                     "ORDER BY uscc LIMIT $2")
_SET_GRADES_PG = text(
    "UPDATE subjects AS s SET grade = v.grade, grade_score = v.score, grade_version = :v, graded_on = :d "
    "FROM unnest(CAST(:k AS varchar[]), CAST(:g AS varchar[]), CAST(:s AS numeric[])) AS v(uscc, grade, score) "
    "WHERE s.uscc = v.uscc")
