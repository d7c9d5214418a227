"""A read-only request's statements see one snapshot, whatever commits meanwhile."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from services.credit.models import bus_tables
from shared.db import Database
from shared.web import begin_snapshot

pytestmark = pytest.mark.anyio


async def test_a_snapshot_session_does_not_see_a_commit_made_between_its_statements(databases):
    db = Database(await databases.fresh("credit"), service="credit")
    inbox = bus_tables.inbox
    count = select(func.count()).select_from(inbox)
    row = {"consumer": "c", "event_type": "t", "processed_at": func.now()}
    try:
        async with db.sessionmaker() as reader, db.sessionmaker() as plain, db.sessionmaker() as writer:
            await begin_snapshot(reader)
            assert (await reader.execute(count)).scalar_one() == 0
            assert (await plain.execute(count)).scalar_one() == 0
            await writer.execute(insert(inbox).values(event_id="e1", **row))
            await writer.commit()
            # The snapshot reader still sees the database as of its first statement ...
            assert (await reader.execute(count)).scalar_one() == 0
            # ... where a plain session's next statement sees the commit (on PostgreSQL at least).
            if db.dialect == "postgresql":
                assert (await plain.execute(count)).scalar_one() == 1
            await reader.rollback()
            assert (await reader.execute(count)).scalar_one() == 1
    finally:
        await db.dispose()
