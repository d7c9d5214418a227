"""Queries of the Merkle log: its state row (the append lock), leaves, and the signing key."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import LogLeaf, LogState, SigningKey

STATE_ID = 1


class LogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_state(self) -> LogState:
        """The log state, locked for this transaction: one appender at a time, in sequence order.

        PostgreSQL: a row lock (SELECT ... FOR UPDATE) held until commit, so the next appender
        reads the size this one wrote. SQLite: a no-op write takes the database's single write
        lock first, so nothing can slip in between our read and our append.
        """
        if self.session.bind.dialect.name == "sqlite":
            await self.session.execute(update(LogState).where(LogState.id == STATE_ID).values(id=STATE_ID))
            q = select(LogState).where(LogState.id == STATE_ID).execution_options(populate_existing=True)
        else:
            q = (select(LogState).where(LogState.id == STATE_ID).with_for_update()
                 .execution_options(populate_existing=True))
        return (await self.session.execute(q)).scalar_one()

    async def state(self) -> LogState:
        q = select(LogState).where(LogState.id == STATE_ID).execution_options(populate_existing=True)
        return (await self.session.execute(q)).scalar_one()

    async def add_leaf(self, leaf: LogLeaf) -> None:
        self.session.add(leaf)
        await self.session.flush()

    async def leaf(self, seq: int) -> LogLeaf | None:
        return await self.session.get(LogLeaf, seq)

    async def leaf_hashes(self, start: int, end: int) -> list[str]:
        q = select(LogLeaf.leaf_hash).where(LogLeaf.seq >= start, LogLeaf.seq < end).order_by(LogLeaf.seq)
        return list((await self.session.execute(q)).scalars())

    async def leaves_of(self, publication_id: str) -> list[LogLeaf]:
        q = select(LogLeaf).where(LogLeaf.publication_id == publication_id).order_by(LogLeaf.seq)
        return list((await self.session.execute(q)).scalars())

    async def signing_key(self, name: str) -> SigningKey | None:
        return await self.session.get(SigningKey, name)

    async def add_signing_key(self, key: SigningKey) -> bool:
        """Insert the key; False when another process stored one first (then use theirs)."""
        try:
            async with self.session.begin_nested():
                self.session.add(key)
                await self.session.flush()
        except IntegrityError:
            return False
        return True
