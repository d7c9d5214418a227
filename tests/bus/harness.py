"""Two real service databases joined by a real nats-server: a producer with its outbox relay,
a consumer with its inbox. The consumer's effect is a row per handled probe, so doubles show."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import nats
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from shared.bus.consumer import Consumer, Subscription
from shared.bus.envelope import Event
from shared.bus.outbox import OutboxRelay, add_event
from shared.bus.streams import ensure_dead_letter_stream, ensure_producer_stream
from shared.contracts.platform import ProbeRecorded
from shared.db import Database

effects_md = MetaData()
probe_effects = Table(
    "test_probe_effects", effects_md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("probe_id", String(64), nullable=False),
)


@dataclass
class BusPair:
    producer: Database
    consumer_db: Database
    nats_url: str
    nc: object = None
    js: object = None
    relay: OutboxRelay | None = None
    consumers: list[Consumer] = field(default_factory=list)

    async def connect(self) -> None:
        self.nc = await nats.connect(self.nats_url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
        self.js = self.nc.jetstream(timeout=5)
        await ensure_producer_stream(self.js, "platform")
        await ensure_dead_letter_stream(self.js)

    def make_relay(self) -> OutboxRelay:
        self.relay = OutboxRelay(self.producer, self.nc, poll_seconds=0.2)
        return self.relay

    def make_consumer(self, *, durable: str = "inspection-probes", max_deliver: int = 5,
                      ack_wait: float = 30.0, fail_ids: set[str] | None = None) -> Consumer:
        fail_ids = fail_ids or set()

        async def handle(session, event: Event) -> None:
            probe = event.payload()
            assert isinstance(probe, ProbeRecorded)
            if probe.fail or probe.probe_id in fail_ids:
                raise RuntimeError(f"cannot handle probe {probe.probe_id}")
            await session.execute(probe_effects.insert().values(probe_id=probe.probe_id))

        sub = Subscription(durable=durable, producer="platform", subjects=["sup.platform.probe.recorded"], handler=handle)
        c = Consumer(self.consumer_db, self.js, self.nc, sub, max_deliver=max_deliver,
                     backoff_seconds=0.05, ack_wait=ack_wait)
        self.consumers.append(c)
        return c

    async def emit(self, *probes: ProbeRecorded) -> None:
        async with self.producer.sessionmaker() as s:
            for p in probes:
                await add_event(s, p, subject=p.probe_id)
            await s.commit()

    async def effects(self) -> dict[str, int]:
        async with self.consumer_db.sessionmaker() as s:
            rows = (await s.execute(
                select(probe_effects.c.probe_id, func.count()).group_by(probe_effects.c.probe_id))).all()
        return {r[0]: r[1] for r in rows}

    async def close(self) -> None:
        for c in self.consumers:
            await c.stop()
        if self.relay:
            await self.relay.stop()
        if self.nc is not None:
            await self.nc.close()
        await self.producer.dispose()
        await self.consumer_db.dispose()


async def make_pair(databases, nats_url: str, consumer_url: str | None = None) -> BusPair:
    from services.credit.models import bus_tables as credit_tables
    from services.inspection.models import bus_tables as inspection_tables

    producer = Database(await databases.fresh("credit"), service="credit",
                        outbox_table=credit_tables.outbox, inbox_table=credit_tables.inbox)
    consumer = Database(consumer_url or await databases.fresh("inspection"), service="inspection",
                        outbox_table=inspection_tables.outbox, inbox_table=inspection_tables.inbox)
    async with consumer.engine.begin() as conn:
        await conn.run_sync(effects_md.create_all)
    pair = BusPair(producer, consumer, nats_url)
    await pair.connect()
    return pair


async def settle(seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)
