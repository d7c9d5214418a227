"""Outbox relay: throughput (committed → acked) and latency (producer commit → consumer commit).

Baselines measured in the same run on the same nats-server: raw pipelined JetStream publishes
(no database) for throughput, and raw publish → pull-consumer receipt for latency.

    python -m bench relay [--events 20000] [--rate 200] [--seconds 5] [--backend sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import nats
from sqlalchemy import Column, Integer, MetaData, String, Table

from bench.common import machine, percentile, private_nats, scratch_database
from shared.bus.consumer import Consumer, Subscription
from shared.bus.outbox import OutboxRelay, add_event
from shared.bus.streams import ensure_dead_letter_stream, ensure_producer_stream
from shared.contracts.platform import ProbeRecorded
from shared.db import Database

md = MetaData()
effects = Table("bench_effects", md, Column("id", Integer, primary_key=True), Column("probe_id", String(64)))


async def raw_publish_baseline(js, n: int) -> float:
    body = b'{"probe_id":"x","n":0}'
    t0 = time.perf_counter()
    for i in range(0, n, 1000):
        await asyncio.gather(*(js.publish("sup.platform.probe.recorded", body, headers={"Nats-Msg-Id": f"raw-{i}-{j}"})
                               for j in range(min(1000, n - i))))
    return n / (time.perf_counter() - t0)


async def raw_latency_baseline(nc, js, count: int, rate: float) -> list[float]:
    sub = await js.pull_subscribe("sup.platform.probe.recorded", durable="raw-lat", stream="PLATFORM")
    # Drain what the throughput baseline left.
    while True:
        try:
            msgs = await sub.fetch(1000, timeout=0.2)
            for m in msgs:
                await m.ack()
        except TimeoutError:
            break
    lat: list[float] = []
    sent: dict[str, float] = {}

    async def reader() -> None:
        while len(lat) < count:
            try:
                msgs = await sub.fetch(100, timeout=1)
            except TimeoutError:
                continue
            now = time.perf_counter()
            for m in msgs:
                key = m.headers.get("Nats-Msg-Id")
                if key in sent:
                    lat.append(now - sent[key])
                await m.ack()

    task = asyncio.create_task(reader())
    for i in range(count):
        key = f"lat-{i}"
        sent[key] = time.perf_counter()
        await js.publish("sup.platform.probe.recorded", b"{}", headers={"Nats-Msg-Id": key})
        await asyncio.sleep(1 / rate)
    await asyncio.wait_for(task, 30)
    await sub.unsubscribe()
    return lat


async def run_backend(backend: str, args: argparse.Namespace) -> dict[str, float]:
    from services.credit.models import bus_tables as pt
    from services.inspection.models import bus_tables as ct

    async with private_nats() as server, scratch_database("credit", backend) as purl, \
            scratch_database("inspection", backend) as curl:
        nc = await nats.connect(server.url)
        js = nc.jetstream(timeout=30)
        await ensure_producer_stream(js, "platform")
        await ensure_dead_letter_stream(js)
        producer = Database(purl, service="credit", outbox_table=pt.outbox, inbox_table=pt.inbox)
        consumer_db = Database(curl, service="inspection", outbox_table=ct.outbox, inbox_table=ct.inbox)
        async with consumer_db.engine.begin() as conn:
            await conn.run_sync(md.create_all)

        raw_tp = await raw_publish_baseline(js, args.events)

        # Throughput: N committed events (in transactions of 500), then time the relay to ack them all.
        t0 = time.perf_counter()
        for i in range(0, args.events, 500):
            async with producer.sessionmaker() as s:
                for j in range(i, min(i + 500, args.events)):
                    await add_event(s, ProbeRecorded(probe_id=f"t{j}", n=j))
                await s.commit()
        commit_rate = args.events / (time.perf_counter() - t0)
        relay = OutboxRelay(producer, nc, poll_seconds=0.05, batch_size=2000)
        t0 = time.perf_counter()
        relay.start()
        while relay.published < args.events:
            await asyncio.sleep(0.005)
        relay_tp = args.events / (time.perf_counter() - t0)

        raw_lat = await raw_latency_baseline(nc, js, min(300, args.rate * args.seconds), args.rate)

        # Latency: single-event transactions at a steady rate; consumer records its own commit time.
        committed: dict[str, float] = {}
        done: dict[str, float] = {}

        class TimedConsumer(Consumer):
            async def _handle(self, event):
                await super()._handle(event)
                done[event.data["probe_id"]] = time.perf_counter()

        async def handle(session, event) -> None:
            await session.execute(effects.insert().values(probe_id=event.data["probe_id"]))

        c = TimedConsumer(consumer_db, js, nc, Subscription("bench-consumer", "platform",
                                                            ["sup.platform.probe.recorded"], handle,
                                                            deliver_new_only=True))
        await c.ensure()
        c.start()
        count = args.rate * args.seconds
        for i in range(count):
            pid = f"l{i}"
            async with producer.sessionmaker() as s:
                await add_event(s, ProbeRecorded(probe_id=pid, n=i))
                await s.commit()
            committed[pid] = time.perf_counter()
            await asyncio.sleep(1 / args.rate)
        deadline = time.perf_counter() + 30
        while len(done) < count and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        lat = [done[k] - committed[k] for k in committed if k in done]
        await c.stop()
        await relay.stop()
        await nc.close()
        await producer.dispose()
        await consumer_db.dispose()
        return {
            "raw_publish_per_s": raw_tp, "commit_per_s": commit_rate, "relay_per_s": relay_tp,
            "raw_p50_ms": percentile(raw_lat, 50) * 1000, "raw_p99_ms": percentile(raw_lat, 99) * 1000,
            "p50_ms": percentile(lat, 50) * 1000, "p99_ms": percentile(lat, 99) * 1000, "delivered": len(lat),
            "sent": count,
        }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench relay", description=__doc__)
    p.add_argument("--events", type=int, default=20000)
    p.add_argument("--rate", type=int, default=200, help="events/s for the latency run")
    p.add_argument("--seconds", type=int, default=5)
    p.add_argument("--backend", default="sqlite,postgresql")
    args = p.parse_args(argv)
    print(f"relay benchmark on {machine()}")
    for backend in args.backend.split(","):
        r = asyncio.run(run_backend(backend, args))
        print(f"\n[{backend}]")
        print(f"  raw JetStream pipelined publish (baseline): {r['raw_publish_per_s']:>9,.0f} events/s")
        print(f"  outbox commits (500 per transaction):       {r['commit_per_s']:>9,.0f} events/s")
        print(f"  relay committed → acked:                    {r['relay_per_s']:>9,.0f} events/s "
              f"({r['relay_per_s'] / r['raw_publish_per_s']:.2f} of baseline)")
        print(f"  raw publish → receipt (baseline):  p50 {r['raw_p50_ms']:.2f} ms  p99 {r['raw_p99_ms']:.2f} ms")
        print(f"  commit → consumer commit at {args.rate}/s:  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms "
              f"({r['delivered']}/{r['sent']} delivered)")


if __name__ == "__main__":
    main()
