"""Dead letters can be listed, shown and re-driven; a re-drive is not lost to the duplicate window
and an inbox that already handled the event still drops the copy."""

from __future__ import annotations

import pytest

from shared.bus.dead_letters import list_dead_letters, redrive, show_dead_letter
from shared.contracts.platform import ProbeRecorded
from tests.bus.harness import make_pair
from tests.support import wait_for

pytestmark = pytest.mark.anyio


async def test_a_refused_message_is_listed_shown_and_redriven_once(databases, nats_server):
    pair = await make_pair(databases, nats_server.url)
    try:
        refusing = {"r1"}
        consumer = pair.make_consumer(durable="redrive-test", max_deliver=2, fail_ids=refusing)
        # Another consumer of the same subject, same inbox, that handled r1 the first time.
        other = pair.make_consumer(durable="redrive-other", max_deliver=2)
        await pair.emit(ProbeRecorded(probe_id="r1"), ProbeRecorded(probe_id="fine"))
        await pair.make_relay().drain()
        other.start()
        await wait_for(lambda: _true(other.processed == 2), timeout=15, what="the other consumer")
        consumer.start()
        letters = await wait_for(lambda: list_dead_letters(pair.js, "redrive-test"), timeout=15, what="a dead letter")
        assert [(d.consumer, d.subject, d.tries) for d in letters] == [
            ("redrive-test", "sup.platform.probe.recorded", 2)]
        assert "cannot handle probe r1" in letters[0].reason and letters[0].parked_at
        shown = await show_dead_letter(pair.js, letters[0].seq)
        assert shown is not None and shown.event_id == letters[0].event_id

        refusing.clear()  # the cause is fixed; re-drive within the stream's 120 s duplicate window
        from shared.metrics import CONSUMER_DUPLICATES

        before = CONSUMER_DUPLICATES.labels("redrive-other")._value.get()
        await redrive(pair.js, shown)
        await wait_for(lambda: _true(consumer.processed == 2), timeout=15, what="the re-driven message")
        assert await list_dead_letters(pair.js) == []
        # The consumer that had handled it already drops the copy in its inbox.
        await wait_for(lambda: _true(CONSUMER_DUPLICATES.labels("redrive-other")._value.get() > before),
                       timeout=15, what="the copy dropped by the other inbox")
        assert other.processed == 2
    finally:
        await pair.close()


async def _true(value: bool) -> bool:
    return value


async def _effects_are(pair, expected: dict[str, int]) -> bool:
    return await pair.effects() == expected


def test_the_dlq_command_lists_shows_and_redrives(nats_server, tmp_path):
    import asyncio

    import nats
    from typer.testing import CliRunner

    from shared.bus.streams import ensure_dead_letter_stream, ensure_producer_stream
    from supervision.cli import app

    async def park() -> None:
        nc = await nats.connect(nats_server.url)
        js = nc.jetstream()
        await ensure_producer_stream(js, "platform")
        await ensure_dead_letter_stream(js)
        await js.publish("dlq.disclosure-decisions.sup.platform.probe.recorded", b'{"probe_id": "x"}', headers={
            "ce-id": "e-1", "ce-type": "sup.platform.probe.recorded", "dlq-reason": "ValueError: no such code",
            "dlq-consumer": "disclosure-decisions", "dlq-original-subject": "sup.platform.probe.recorded",
            "dlq-tries": "5", "dlq-time": "2026-12-01T10:00:00+00:00", "Nats-Msg-Id": "dlq-x"})
        await nc.close()

    async def original_count() -> int:
        nc = await nats.connect(nats_server.url)
        try:
            return (await nc.jetstream().stream_info("PLATFORM")).state.messages
        finally:
            await nc.close()

    asyncio.run(park())
    opts = ["--nats-url", nats_server.url, "--data-dir", str(tmp_path)]
    runner = CliRunner()
    listed = runner.invoke(app, ["dlq", "list", *opts])
    assert listed.exit_code == 0 and "disclosure-decisions" in listed.output and "tries 5" in listed.output
    assert "no such code" in listed.output and "1 dead letter(s)" in listed.output
    shown = runner.invoke(app, ["dlq", "show", "1", *opts])
    assert shown.exit_code == 0 and '"event_id": "e-1"' in shown.output
    assert runner.invoke(app, ["dlq", "show", "99", *opts]).exit_code == 1
    done = runner.invoke(app, ["dlq", "redrive", "--all", *opts])
    assert done.exit_code == 0 and "re-drove 1" in done.output
    assert asyncio.run(original_count()) == 1
    assert "0 dead letter(s)" in runner.invoke(app, ["dlq", "list", *opts]).output
