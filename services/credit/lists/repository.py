"""Queries on list entries."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import ListEntry


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
