"""Queries of early withdrawals: withdrawals kept until the record they withdraw is published."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import EarlyWithdrawal, Publication


class EarlyWithdrawalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: EarlyWithdrawal) -> None:
        self.session.add(row)
        await self.session.flush()

    async def ever_published(self, refs: Sequence[str], *, uscc: str | None,
                             record_types: Sequence[str] | None) -> bool:
        """Whether any record (public or not any more) matches, by the rule of `public_by_refs`."""
        q = select(Publication.id).where(or_(Publication.source_key.in_(list(refs)),
                                             Publication.source_ref.in_(list(refs))))
        if uscc:
            q = q.where(or_(Publication.uscc == uscc, Publication.uscc.is_(None)))
        if record_types:
            q = q.where(Publication.record_type.in_(list(record_types)))
        return (await self.session.execute(q.limit(1))).first() is not None

    async def waiting_for(self, keys: Sequence[str]) -> list[EarlyWithdrawal]:
        """Unapplied withdrawals naming one of `keys`, oldest first."""
        keys = list(keys)
        q = (select(EarlyWithdrawal)
             .where(or_(EarlyWithdrawal.ref_a.in_(keys), EarlyWithdrawal.ref_b.in_(keys)),
                    EarlyWithdrawal.applied_to.is_(None))
             .order_by(EarlyWithdrawal.received_at, EarlyWithdrawal.id))
        return list((await self.session.execute(q)).scalars())
