"""The bus inside one service: connection, its stream, the outbox relay and its consumers."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import nats
from nats.aio.client import Client as NATS

from shared.bus.consumer import Consumer, Subscription
from shared.bus.outbox import OutboxRelay
from shared.bus.streams import ensure_dead_letter_stream, ensure_producer_stream
from shared.settings import ServiceSettings

log = logging.getLogger("shared.bus")


class ServiceBus:
    def __init__(self, settings: ServiceSettings, db: Any, subscriptions: list[Subscription]) -> None:
        self.settings = settings
        self.db = db
        self.subscriptions = subscriptions
        self.nc: NATS | None = None
        self.js: Any = None
        self.relay: OutboxRelay | None = None
        self.consumers: list[Consumer] = []

    @property
    def connected(self) -> bool:
        return self.nc is not None and self.nc.is_connected

    async def start(self) -> None:
        s = self.settings
        self.nc = await nats.connect(
            servers=[u.strip() for u in s.nats_url.split(",")],
            name=f"supervision-{s.service_name}",
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            connect_timeout=5,
        )
        self.js = self.nc.jetstream(timeout=10)
        await ensure_producer_stream(self.js, s.service_name, s.stream_replicas)
        await ensure_dead_letter_stream(self.js, s.stream_replicas)
        self.relay = OutboxRelay(
            self.db,
            self.nc,
            poll_seconds=s.outbox_poll_seconds,
            replay_window=timedelta(hours=s.outbox_replay_hours),
        )
        self.relay.start()
        for sub in self.subscriptions:
            # Producers create their own streams; a consumer may start first, so make sure it exists.
            await ensure_producer_stream(self.js, sub.producer, s.stream_replicas)
            consumer = Consumer(
                self.db, self.js, self.nc, sub,
                max_deliver=s.consumer_max_deliver, backoff_seconds=s.consumer_backoff_seconds,
            )
            await consumer.ensure()
            consumer.start()
            self.consumers.append(consumer)

    async def stop(self) -> None:
        for c in self.consumers:
            await c.stop()
        if self.relay:
            await self.relay.stop()
        if self.nc is not None:
            try:
                await self.nc.drain()
            except Exception:
                pass
