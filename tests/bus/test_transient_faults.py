"""A consumer waits out a full disk or an unavailable database: nothing is dead-lettered, all arrive."""

from __future__ import annotations

import pytest

from shared.contracts.platform import ProbeRecorded
from tests.bus.faults import faultable_database
from tests.bus.harness import make_pair
from tests.support import wait_for

pytestmark = pytest.mark.anyio


async def test_a_full_disk_or_closed_database_is_waited_out_and_nothing_is_dead_lettered(databases, nats_server):
    async with faultable_database(databases, "inspection") as (url, fault):
        pair = await make_pair(databases, nats_server.url, consumer_url=url)
        try:
            consumer = pair.make_consumer(durable="fault-test", max_deliver=3)
            relay = pair.make_relay()
            relay.start()
            consumer.start()
            await pair.emit(ProbeRecorded(probe_id="before"))
            await wait_for(lambda: _count(pair, 1), timeout=15, what="the first probe")

            await fault.start()
            await pair.emit(*(ProbeRecorded(probe_id=f"during{i}") for i in range(20)))
            # Far more failures than the poison limit (3): before, each was dead-lettered by now.
            await wait_for(lambda: _true(consumer.transient_retries > 2 * consumer.max_deliver),
                           timeout=30, what="retries beyond the poison limit")
            await fault.clear()

            await wait_for(lambda: _count(pair, 21), timeout=60, what="every probe handled once the fault cleared")
            effects = await pair.effects()
            assert set(effects.values()) == {1}
            assert (await pair.js.stream_info("DLQ")).state.messages == 0
        finally:
            await pair.close()


async def _true(value: bool) -> bool:
    return value


async def _count(pair, n: int) -> bool:
    try:
        return len(await pair.effects()) >= n
    except Exception:  # noqa: BLE001 - the reader is refused by the same fault; look again
        return False
