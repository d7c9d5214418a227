"""Queries on the catalogue versions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from services.coordination.models import CatalogueVersion
from shared.repository import Repository


class CatalogueRepository(Repository):
    async def get(self, version: str) -> CatalogueVersion | None:
        return await self.session.get(CatalogueVersion, version)

    async def in_force(self, on: date) -> CatalogueVersion | None:
        stmt = (select(CatalogueVersion).where(CatalogueVersion.effective_from <= on)
                .order_by(CatalogueVersion.effective_from.desc(), CatalogueVersion.published_at.desc()).limit(1))
        return (await self.session.scalars(stmt)).first()

    async def all(self) -> list[CatalogueVersion]:
        stmt = select(CatalogueVersion).order_by(CatalogueVersion.effective_from, CatalogueVersion.published_at)
        return list((await self.session.scalars(stmt)).all())

    async def any(self) -> bool:
        return (await self.session.scalar(select(CatalogueVersion.version).limit(1))) is not None

    async def add(self, row: CatalogueVersion) -> None:
        self.session.add(row)
        await self.session.flush()
