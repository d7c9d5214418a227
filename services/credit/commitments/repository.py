"""Queries on licences granted by notification and commitment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import Commitment


class CommitmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, commitment: Commitment) -> None:
        self.session.add(commitment)
        await self.session.flush()

    async def get(self, commitment_id: str) -> Commitment | None:
        return await self.session.get(Commitment, commitment_id)

    async def rectification_missed(self, as_of: date, limit: int) -> list[Commitment]:
        """Broken promises whose rectification deadline passed without a rectification."""
        stmt = (select(Commitment)
                .where(Commitment.status == "rectifying", Commitment.rectification_due < as_of)
                .order_by(Commitment.rectification_due, Commitment.id).limit(limit))
        return list((await self.session.execute(stmt)).scalars())

    async def search(self, *, uscc: str | None, status: str | None, department: str | None,
                     after: str | None, limit: int) -> list[Commitment]:
        stmt = select(Commitment)
        if uscc:
            stmt = stmt.where(Commitment.uscc == uscc)
        if status:
            stmt = stmt.where(Commitment.status == status)
        if department:
            stmt = stmt.where(Commitment.department == department)
        if after:
            stmt = stmt.where(Commitment.id > after)
        return list((await self.session.execute(stmt.order_by(Commitment.id).limit(limit))).scalars())
