"""Nothing lost, nothing doubled: outbox → JetStream → inbox, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from shared.bus.envelope import Event
from shared.bus.outbox import row_to_event
from shared.contracts.platform import ProbeRecorded
from tests.bus.harness import make_pair, settle
from tests.support import wait_for

pytestmark = pytest.mark.anyio


async def test_committed_event_reaches_consumer_once_when_relay_publishes_twice(databases, nats_server):
    pair = await make_pair(databases, nats_server.url)
    try:
        await pair.emit(ProbeRecorded(probe_id="p1"))
        relay = pair.make_relay()
        await relay.drain()
        # The relay crashed after publishing but before marking: it publishes the same rows again.
        async with pair.producer.sessionmaker() as s:
            rows = (await s.execute(select(pair.producer.outbox_table))).all()
        await relay.publish_rows(rows)
        # And a replay from outside JetStream's duplicate window: same event id, new message id.
        e = row_to_event(rows[0])
        headers = e.headers() | {"Nats-Msg-Id": "replay-" + e.id}
        await pair.js.publish(e.nats_subject, e.body(), headers=headers)

        consumer = pair.make_consumer()
        consumer.start()
        await wait_for(lambda: _async(consumer.processed >= 1), what="first handling")
        await settle(0.5)
        assert await pair.effects() == {"p1": 1}
        info = await pair.js.stream_info("PLATFORM")
        assert info.state.messages == 2  # the exact double was dropped by Nats-Msg-Id, the replay was not
    finally:
        await pair.close()


async def test_consumer_killed_after_commit_before_ack_does_not_double(databases, nats_server):
    pair = await make_pair(databases, nats_server.url)
    try:
        await pair.emit(ProbeRecorded(probe_id="p2"))
        await pair.make_relay().drain()
        victim = pair.make_consumer(ack_wait=1.0)
        await victim.ensure()
        msgs = await victim._psub.fetch(1, timeout=5)
        # Handle and commit, then die before the ack.
        await victim._handle(Event.from_nats(msgs[0].headers, msgs[0].data))
        await victim.stop()
        assert await pair.effects() == {"p2": 1}

        survivor = pair.make_consumer(ack_wait=1.0)
        survivor.start()
        from shared.metrics import CONSUMER_DUPLICATES

        before = CONSUMER_DUPLICATES.labels(survivor.name)._value.get()
        await wait_for(lambda: _async(CONSUMER_DUPLICATES.labels(survivor.name)._value.get() > before),
                       timeout=15, what="redelivery recognised as duplicate")
        assert await pair.effects() == {"p2": 1}
    finally:
        await pair.close()


async def test_event_survives_nats_restart_between_publish_and_consume(databases, nats_server):
    pair = await make_pair(databases, nats_server.url)
    try:
        await pair.emit(*(ProbeRecorded(probe_id=f"r{i}", n=i) for i in range(20)))
        relay = pair.make_relay()
        await relay.drain()
        nats_server.restart()
        await wait_for(lambda: _async(pair.nc.is_connected), timeout=15, what="reconnect")
        # A second batch committed while the client was reconnecting must not be lost either.
        relay.start()
        await pair.emit(*(ProbeRecorded(probe_id=f"s{i}", n=i) for i in range(5)))
        consumer = pair.make_consumer()
        consumer.start()
        await wait_for(lambda: _count_at_least(pair, 25), timeout=20, what="all 25 handled")
        await settle(0.3)
        effects = await pair.effects()
        assert len(effects) == 25 and set(effects.values()) == {1}
    finally:
        await pair.close()


async def test_rolled_back_transaction_publishes_nothing(databases, nats_server):
    from shared.bus.outbox import add_event

    pair = await make_pair(databases, nats_server.url)
    try:
        relay = pair.make_relay()
        relay.start()
        async with pair.producer.sessionmaker() as s:
            await add_event(s, ProbeRecorded(probe_id="ghost"))
            await s.rollback()
        await pair.emit(ProbeRecorded(probe_id="real"))
        await wait_for(lambda: _async(relay.published >= 1), what="real event published")
        await settle(0.3)
        info = await pair.js.stream_info("PLATFORM")
        assert info.state.messages == 1
        async with pair.producer.sessionmaker() as s:
            assert (await s.execute(select(func.count()).select_from(pair.producer.outbox_table))).scalar() == 1
    finally:
        await pair.close()


async def test_relay_is_woken_by_commit_not_by_polling(databases, nats_server):
    pair = await make_pair(databases, nats_server.url)
    try:
        relay = pair.make_relay()
        relay.poll_seconds = 30  # a poll would never come in time
        relay.start()
        await settle(0.1)
        await pair.emit(ProbeRecorded(probe_id="w"))
        await wait_for(lambda: _async(relay.published == 1), timeout=3, what="publish after commit")
        async with pair.producer.sessionmaker() as s:
            sent = (await s.execute(select(pair.producer.outbox_table.c.sent_at))).scalar()
        assert sent is not None
    finally:
        await pair.close()


async def test_poison_message_is_dead_lettered_and_does_not_block(databases, nats_server):
    from shared.metrics import CONSUMER_DEAD_LETTERED

    pair = await make_pair(databases, nats_server.url)
    try:
        await pair.emit(ProbeRecorded(probe_id="bad", fail=True),
                        *(ProbeRecorded(probe_id=f"ok{i}") for i in range(5)))
        await pair.make_relay().drain()
        dlq = await pair.js.pull_subscribe("dlq.>", durable="dlq-reader", stream="DLQ")
        consumer = pair.make_consumer(durable="poison-test", max_deliver=3)
        before = CONSUMER_DEAD_LETTERED.labels("poison-test")._value.get()
        consumer.start()
        # The good ones behind the poison are handled while it is being retried.
        await wait_for(lambda: _count_at_least(pair, 5), timeout=10, what="good messages")
        msgs = await dlq.fetch(1, timeout=10)
        assert msgs[0].subject == "dlq.poison-test.sup.platform.probe.recorded"
        assert msgs[0].headers["ce-type"] == "sup.platform.probe.recorded"
        assert "cannot handle probe bad" in msgs[0].headers["dlq-reason"]
        assert CONSUMER_DEAD_LETTERED.labels("poison-test")._value.get() == before + 1
        assert "bad" not in await pair.effects()
    finally:
        await pair.close()


async def test_outbox_keeps_sent_rows_for_the_replay_window_then_deletes(databases, nats_server):
    pair = await make_pair(databases, nats_server.url)
    try:
        await pair.emit(ProbeRecorded(probe_id="old"), ProbeRecorded(probe_id="new"))
        relay = pair.make_relay()
        await relay.drain()
        t = pair.producer.outbox_table
        async with pair.producer.sessionmaker() as s:
            await s.execute(t.update().where(t.c.subject == "old").values(sent_at=datetime.now(UTC) - timedelta(days=30)))
            await s.commit()
        await relay._maybe_cleanup()
        async with pair.producer.sessionmaker() as s:
            left = (await s.execute(select(t.c.subject))).scalars().all()
        assert left == ["new"]
        assert await relay.replay(datetime.now(UTC) - timedelta(hours=1)) == 1
    finally:
        await pair.close()


async def _async(value):
    return value


async def _count_at_least(pair, n: int) -> bool:
    return len(await pair.effects()) >= n


def test_relay_headers_match_the_envelope():
    """The relay's fast header path and the Event envelope must agree attribute for attribute."""
    from types import SimpleNamespace

    from shared.bus.outbox import row_headers

    row = SimpleNamespace(event_id="e1", event_type="sup.platform.probe.recorded", version=1, source="/supervision/credit",
                          subject="p", occurred_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), data='{"probe_id":"p"}',
                          traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01")
    assert row_headers(row) == row_to_event(row).headers()
