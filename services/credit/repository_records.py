"""Queries on credit records and list entries."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import CreditRecord, DecisionRevocation, ListEntry

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
_INSERT_RECORD = insert(_RECORDS)
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
_SOURCE_SEEN = (select(_RECORDS.c.id)
                .where(_RECORDS.c.source_ref == bindparam("ref"), _RECORDS.c.kind == bindparam("kind")).limit(1))
_SOURCE_SEEN_IN = _SOURCE_SEEN.where(_RECORDS.c.department == bindparam("department"))


class RecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: CreditRecord) -> None:
        """One INSERT, without the unit of work (records are written often, on the event path)."""
        await self.session.execute(_INSERT_RECORD, {c.name: getattr(record, c.name) for c in _RECORDS.columns})

    async def get(self, record_id: str) -> CreditRecord | None:
        return await self.session.get(CreditRecord, record_id)

    async def by_source(self, source_ref: str, kind: str | None = None,
                        department: str | None = None) -> list[CreditRecord]:
        stmt = select(CreditRecord).where(CreditRecord.source_ref == source_ref)
        if kind:
            stmt = stmt.where(CreditRecord.kind == kind)
        if department:
            stmt = stmt.where(CreditRecord.department == department)
        return list((await self.session.execute(stmt)).scalars())

    async def source_seen(self, source_ref: str, kind: str, department: str | None = None) -> bool:
        """Whether a record of `kind` from this source (a decision number, a result id) is on file."""
        if department is None:
            found = await self.session.execute(_SOURCE_SEEN, {"ref": source_ref, "kind": kind})
        else:
            found = await self.session.execute(_SOURCE_SEEN_IN, {"ref": source_ref, "kind": kind,
                                                                 "department": department})
        return found.first() is not None

    async def revocation(self, decision_id: str) -> DecisionRevocation | None:
        return await self.session.get(DecisionRevocation, decision_id)

    async def revocation_of(self, decision_number: str, department: str) -> DecisionRevocation | None:
        stmt = select(DecisionRevocation).where(DecisionRevocation.decision_number == decision_number,
                                                DecisionRevocation.department == department)
        return (await self.session.execute(stmt.limit(1))).scalar_one_or_none()

    async def add_revocation(self, row: DecisionRevocation) -> None:
        self.session.add(row)
        await self.session.flush()

    async def active_of_matter(self, uscc: str, matter_code: str, kind: str) -> list[CreditRecord]:
        stmt = select(CreditRecord).where(CreditRecord.uscc == uscc, CreditRecord.matter_code == matter_code,
                                          CreditRecord.kind == kind, CreditRecord.status == "active")
        return list((await self.session.execute(stmt)).scalars())

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

    async def for_subject(self, uscc: str, *, kinds: set[str] | None, after: str | None, limit: int,
                          public_on: date | None, provided_since: date, negative_kinds: frozenset[str],
                          negative_outcomes: frozenset[str]) -> list[CreditRecord]:
        """Records of a subject, newest first. `public_on`: only what the public may see that day.
        Negative information decided before `provided_since` is no longer provided."""
        stmt = select(CreditRecord).where(CreditRecord.uscc == uscc)
        negative = or_(CreditRecord.kind.in_(negative_kinds), func.coalesce(CreditRecord.outcome, "").in_(negative_outcomes))
        stmt = stmt.where(or_(~negative, CreditRecord.decision_date > provided_since))
        if kinds:
            stmt = stmt.where(CreditRecord.kind.in_(kinds))
        if public_on is not None:
            stmt = stmt.where(
                CreditRecord.status == "active",
                or_(CreditRecord.publicity_end.is_(None),
                    and_(CreditRecord.publicity_end > public_on, CreditRecord.publicity_start <= public_on)))
        if after:
            stmt = stmt.where(CreditRecord.id < after)
        stmt = stmt.order_by(CreditRecord.id.desc()).limit(limit)
        return list((await self.session.execute(stmt)).scalars())


class ListRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, entry: ListEntry) -> None:
        self.session.add(entry)
        await self.session.flush()

    async def get(self, entry_id: str) -> ListEntry | None:
        return await self.session.get(ListEntry, entry_id)

    async def open_entries(self, uscc: str, list_kind: str | None = None) -> list[ListEntry]:
        stmt = select(ListEntry).where(ListEntry.uscc == uscc, ListEntry.exited_on.is_(None))
        if list_kind:
            stmt = stmt.where(ListEntry.list_kind == list_kind)
        return list((await self.session.execute(stmt.order_by(ListEntry.entered_on))).scalars())

    async def open_kinds(self, usccs: list[str]) -> dict[str, set[str]]:
        """The lists each of `usccs` is on now."""
        out: dict[str, set[str]] = {u: set() for u in usccs}
        if usccs:
            stmt = select(ListEntry.uscc, ListEntry.list_kind).where(ListEntry.uscc.in_(usccs),
                                                                      ListEntry.exited_on.is_(None))
            for uscc, kind in (await self.session.execute(stmt)).all():
                out[uscc].add(kind)
        return out

    async def by_source(self, source_ref: str) -> list[ListEntry]:
        stmt = select(ListEntry).where(ListEntry.source_ref == source_ref, ListEntry.exited_on.is_(None))
        return list((await self.session.execute(stmt)).scalars())

    async def membership_rows_between(self, first: str, last: str) -> list[Any]:
        stmt = select(*MEMBERSHIP_COLUMNS).where(ListEntry.uscc >= first, ListEntry.uscc <= last)
        return list((await (await self.session.connection()).execute(stmt)).all())

    async def members(self, list_kind: str, *, include_exited: bool, uscc: str | None, after: str | None,
                      limit: int) -> list[ListEntry]:
        stmt = select(ListEntry).where(ListEntry.list_kind == list_kind)
        if not include_exited:
            stmt = stmt.where(ListEntry.exited_on.is_(None))
        if uscc:
            stmt = stmt.where(ListEntry.uscc == uscc)
        if after:
            stmt = stmt.where(ListEntry.id > after)
        return list((await self.session.execute(stmt.order_by(ListEntry.id).limit(limit))).scalars())

    async def open_entered_on_or_before(self, list_kind: str, day: date, limit: int) -> list[ListEntry]:
        """Open entries of `list_kind` entered on or before `day` and not yet escalated."""
        stmt = (select(ListEntry)
                .where(ListEntry.list_kind == list_kind, ListEntry.exited_on.is_(None), ListEntry.entered_on <= day,
                       ListEntry.escalated_to.is_(None))
                .order_by(ListEntry.entered_on, ListEntry.id).limit(limit))
        return list((await self.session.execute(stmt)).scalars())
