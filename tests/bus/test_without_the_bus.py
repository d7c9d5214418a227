"""A service starts and serves while NATS is down, says so on /readyz, and catches up when it is back."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.auth_support import service_client
from tests.credit.helpers import register
from tests.support import NatsServer, wait_for

pytestmark = pytest.mark.anyio


async def test_a_service_starts_without_nats_takes_writes_and_catches_up(databases, authority, tmp_path: Path):
    server = NatsServer(tmp_path / "nats")  # its port is chosen, nothing listens on it yet
    lines = _Lines()
    logging.getLogger("shared.bus").addHandler(lines)  # the app's logging setup replaces the root's handlers
    try:
        async with service_client("credit", databases, authority, nats_url=server.url,
                                  bus_start_wait_seconds=0.5) as c:
            ready = await c.get("/readyz")
            assert ready.status_code == 200, ready.text
            body = ready.json()
            assert body["status"] == "degraded" and body["checks"]["bus"]["detail"].startswith("degraded:")

            await register(c, authority)  # a write whose event waits in the outbox
            db = c.app.state.db
            t = db.outbox_table
            assert await _unsent(db, t) >= 1

            server.start()
            await wait_for(lambda: _none_unsent(db, t), timeout=30, what="the outbox caught up")
            assert (await c.get("/readyz")).json()["status"] == "ready"
        import nats

        nc = await nats.connect(server.url)
        try:
            info = await nc.jetstream().stream_info("CREDIT")
        finally:
            await nc.close()
        assert info.state.messages >= 1
    finally:
        server.stop()
        logging.getLogger("shared.bus").removeHandler(lines)
    # The outage is told in two lines (when it starts, when it ends), not a traceback every half second.
    told = [r.getMessage() for r in lines.records]
    assert len(told) == 2 and not any(r.exc_info for r in lines.records), told
    assert "not reachable" in told[0] and "reached after" in told[1]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _unsent(db, t) -> int:
    async with db.sessionmaker() as s:
        return (await s.execute(select(func.count()).select_from(t).where(t.c.sent_at.is_(None)))).scalar_one()


async def _none_unsent(db, t) -> bool:
    return await _unsent(db, t) == 0
