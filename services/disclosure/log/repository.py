"""Queries of the Merkle log: its state row (the append lock), leaves, and the signing key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import LogLeaf, LogState

STATE_ID = 1
_state = LogState.__table__
_HEAD = {c: bindparam(c) for c in ("tree_size", "frontier", "root_hash", "signed_at", "signature", "key_id")}
# Core statements built once; the head's columns and the expected (size, root) are parameters.
_WRITE_STATE = update(_state).where(_state.c.id == STATE_ID).values(_HEAD)
_ADVANCE = (update(_state).values(_HEAD)
            .where(_state.c.id == STATE_ID, _state.c.tree_size == bindparam("from_size"),
                   _state.c.root_hash == bindparam("from_root")))
_ADVANCE_FROM_EMPTY = (update(_state).values(_HEAD)
                       .where(_state.c.id == STATE_ID, _state.c.tree_size == bindparam("from_size"),
                              _state.c.root_hash.is_(None)))
_INSERT_LEAF = insert(LogLeaf.__table__)


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

    async def advance(self, *, from_size: int, from_root: str | None, **head: Any) -> bool:
        """Move the state from the head (size, root) we last wrote to `head`, in one statement.

        The UPDATE itself takes the row lock (PostgreSQL) or the database's write lock (SQLite),
        so matching the size and root proves nobody appended since: the root fixes every leaf,
        hence the frontier we extended. False (nothing written) when the log has moved on.
        """
        if from_root is None:
            stmt, params = _ADVANCE_FROM_EMPTY, {**head, "from_size": from_size}
        else:
            stmt, params = _ADVANCE, {**head, "from_size": from_size, "from_root": from_root}
        return (await self.session.execute(stmt, params)).rowcount == 1

    async def write_state(self, **head: Any) -> None:
        """Write the new head of a state read under `lock_state` (the lock is already held)."""
        await self.session.execute(_WRITE_STATE, head)

    async def state(self) -> LogState:
        q = select(LogState).where(LogState.id == STATE_ID).execution_options(populate_existing=True)
        return (await self.session.execute(q)).scalar_one()

    async def insert_leaf(self, **values: Any) -> None:
        # A plain INSERT: the leaf is never read back in the appending transaction.
        await self.session.execute(_INSERT_LEAF, values)

    async def leaf(self, seq: int) -> LogLeaf | None:
        return await self.session.get(LogLeaf, seq)

    async def leaf_hashes(self, start: int, end: int) -> list[str]:
        q = select(LogLeaf.leaf_hash).where(LogLeaf.seq >= start, LogLeaf.seq < end).order_by(LogLeaf.seq)
        return list((await self.session.execute(q)).scalars())

    async def leaves_of(self, publication_id: str) -> list[LogLeaf]:
        q = select(LogLeaf).where(LogLeaf.publication_id == publication_id).order_by(LogLeaf.seq)
        return list((await self.session.execute(q)).scalars())
