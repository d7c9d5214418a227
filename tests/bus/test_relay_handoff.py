"""The relay publishes the rows a commit hands it without reading them back; what it cannot
know for sure (savepoints rolled back, rows written by other means) it reads, and nothing is
published twice or left behind."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from shared.bus.outbox import add_event
from shared.contracts.platform import ProbeRecorded
from tests.bus.harness import make_pair, settle
from tests.support import wait_for

pytestmark = pytest.mark.anyio


async def _published(pair) -> list[str]:
    sub = await pair.js.pull_subscribe("sup.platform.>", durable="handoff-reader", stream="PLATFORM")
    try:
        msgs = await sub.fetch(20, timeout=1)
    except TimeoutError:
        return []
    for m in msgs:
        await m.ack()
    return sorted(m.headers["ce-subject"] for m in msgs)


async def _started_relay(pair):
    relay = pair.make_relay()
    relay.poll_seconds = 30  # only a commit can wake it in time
    relay.start()
    relay.wake()  # a first pass reads what is there; later commits are handed over
    await wait_for(lambda: _value(not relay._scan), what="first pass done")
    return relay


async def test_savepoint_rolled_back_after_add_event_publishes_only_what_committed(databases, nats_server):
    pair = await make_pair(databases, nats_server.url)
    try:
        relay = await _started_relay(pair)
        async with pair.producer.sessionmaker() as s:
            await add_event(s, ProbeRecorded(probe_id="kept"), subject="kept")
            savepoint = await s.begin_nested()
            await add_event(s, ProbeRecorded(probe_id="undone"), subject="undone")
            await savepoint.rollback()
            await s.commit()
        await wait_for(lambda: _value(relay.published >= 1), timeout=3, what="publish after commit")
        await settle(0.3)
        assert await _published(pair) == ["kept"]
    finally:
        await pair.close()


async def test_rows_written_beside_add_event_are_read_and_published_at_commit(databases, nats_server):
    pair = await make_pair(databases, nats_server.url)
    try:
        relay = await _started_relay(pair)
        t = pair.producer.outbox_table
        first = ProbeRecorded(probe_id="handed")
        async with pair.producer.sessionmaker() as s:
            await add_event(s, first, subject="handed")
            # A bulk writer's row (as credit's import writes them): the relay must read it too.
            await s.execute(insert(t).values(event_id="bulk-1", event_type=first.event_type, version=1,
                                             source="/supervision/credit", subject="bulk", occurred_at=first_time(),
                                             data='{"probe_id":"bulk","n":0,"fail":false}', attempts=0))
            s.info["outbox_pending"] = True
            await s.commit()
        await wait_for(lambda: _value(relay.published >= 2), timeout=3, what="both published after commit")
        assert await _published(pair) == ["bulk", "handed"]
        async with pair.producer.sessionmaker() as s:
            assert (await s.execute(select(t.c.sent_at).where(t.c.sent_at.is_(None)))).all() == []
    finally:
        await pair.close()


async def test_rows_read_by_a_pass_are_not_published_again_as_handed(databases, nats_server):
    pair = await make_pair(databases, nats_server.url)
    try:
        relay = pair.make_relay()
        relay._scan = False
        await pair.emit(ProbeRecorded(probe_id="once"))
        assert [r.subject for r in relay._handed] == ["once"]
        assert await relay.drain() == 0  # a pass reads it (a poll, say) before the handed rows are sent
        assert await relay._publish_handed() == 0
        assert relay._handed == []
        assert relay.published == 1
    finally:
        await pair.close()


def first_time():
    from datetime import UTC, datetime

    return datetime.now(UTC)


async def _value(v):
    return v
