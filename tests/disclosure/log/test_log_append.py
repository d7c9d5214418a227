"""Log appends that trust the head this process wrote last must notice when the log moved on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.disclosure.log import service as service_log
from services.disclosure.log.repository import LogRepository
from services.disclosure.models import bus_tables
from services.disclosure.rules.treehead import load_public_key_pem, verify_tree_head
from shared import merkle
from shared.db import Database

pytestmark = pytest.mark.anyio


async def test_appends_stay_gap_free_and_signed_when_the_remembered_head_is_stale(databases):
    url = await databases.fresh("disclosure")
    db = Database(url, service="disclosure", outbox_table=bus_tables.outbox, inbox_table=bus_tables.inbox)
    now = datetime.now(UTC)

    async def append(record: str, *, commit: bool = True) -> int:
        async with db.sessionmaker() as session:
            seq = await service_log.append(session, action="publish", publication_id=record, record_hash="ab" * 32,
                                           record_type="penalty_decision", uscc=None, authority="scjgj", at=now)
            await (session.commit() if commit else session.rollback())
        return seq

    try:
        assert await append("r0") == 0
        assert await append("r1") == 1
        stale = service_log._heads[url]
        # Rolled back: the remembered head is ahead of the log; the next append must not skip a leaf.
        assert await append("gone", commit=False) == 2
        assert await append("r2") == 2
        # Another process appended since: the remembered head is behind the log.
        service_log._heads[url] = stale
        assert await append("r3") == 3
        service_log._heads.pop(url)  # a fresh process: nothing remembered
        assert await append("r4") == 4
        # The log's size but another root (a rolled-back leaf where another process put its own).
        service_log._heads[url] = (5, "cd" * 32, [])
        assert await append("r5") == 5

        async with db.sessionmaker() as session:
            head, _ = await service_log.tree_head(session, now)
            _, pem = await service_log.public_key(session, now)
            leaves = [await LogRepository(session).leaf(i) for i in range(6)]
            hashes = [bytes.fromhex(h) for h in await LogRepository(session).leaf_hashes(0, 6)]
        assert [leaf.publication_id for leaf in leaves] == ["r0", "r1", "r2", "r3", "r4", "r5"]
        assert head.tree_size == 6
        assert head.root_hash == merkle.merkle_root_from_leaf_hashes(hashes).hex()
        assert verify_tree_head(load_public_key_pem(pem.encode()), head)
    finally:
        service_log._heads.pop(url, None)
        await db.dispose()
