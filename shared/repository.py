"""What every repository starts from: the request's (or message's) session, adding a row, and a
row by its primary key, optionally locked. Queries of their own stay in each repository."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

Row = TypeVar("Row")


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: Row) -> Row:
        """Adds and flushes, so database defaults and constraint errors show up here, not at commit."""
        self.session.add(row)
        await self.session.flush()
        return row

    async def by_id(self, model: type[Row], row_id: Any, *, for_update: bool = False) -> Row | None:
        stmt = select(model).where(model.id == row_id)  # type: ignore[attr-defined]
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()
