"""Queries on credit records and list entries."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import CreditRecord, ListEntry

# What the grading and risk rules read of a record (no text columns: bulk regrading is hot).
FACT_COLUMNS = (CreditRecord.id, CreditRecord.uscc, CreditRecord.kind, CreditRecord.department, CreditRecord.decision_date,
                CreditRecord.severity, CreditRecord.outcome, CreditRecord.penalty_kind, CreditRecord.amount,
                CreditRecord.publicity_start, CreditRecord.publicity_end, CreditRecord.restriction_end,
                CreditRecord.status, CreditRecord.status_on)
MEMBERSHIP_COLUMNS = (ListEntry.uscc, ListEntry.list_kind, ListEntry.entered_on, ListEntry.reason,
                      ListEntry.exited_on)


class RecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: CreditRecord) -> None:
        """One INSERT, without the unit of work (records are written often, on the event path)."""
        table = CreditRecord.__table__
        await self.session.execute(insert(table).values({c.name: getattr(record, c.name) for c in table.columns}))

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

    async def active_of_matter(self, uscc: str, matter_code: str, kind: str) -> list[CreditRecord]:
        stmt = select(CreditRecord).where(CreditRecord.uscc == uscc, CreditRecord.matter_code == matter_code,
                                          CreditRecord.kind == kind, CreditRecord.status == "active")
        return list((await self.session.execute(stmt)).scalars())

    async def fact_rows(self, uscc: str) -> list[Any]:
        stmt = select(*FACT_COLUMNS).where(CreditRecord.uscc == uscc, CreditRecord.status != "revoked")
        return list((await self.session.execute(stmt)).all())

    async def fact_rows_between(self, first: str, last: str) -> list[Any]:
        stmt = select(*FACT_COLUMNS).where(CreditRecord.uscc >= first, CreditRecord.uscc <= last,
                                           CreditRecord.status != "revoked")
        return list((await self.session.execute(stmt)).all())

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

    async def membership_rows(self, uscc: str) -> list[Any]:
        stmt = select(*MEMBERSHIP_COLUMNS).where(ListEntry.uscc == uscc)
        return list((await self.session.execute(stmt)).all())

    async def membership_rows_between(self, first: str, last: str) -> list[Any]:
        stmt = select(*MEMBERSHIP_COLUMNS).where(ListEntry.uscc >= first, ListEntry.uscc <= last)
        return list((await self.session.execute(stmt)).all())

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
