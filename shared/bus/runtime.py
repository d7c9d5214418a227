"""The bus inside one service: connection, its stream, the outbox relay and its consumers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

import nats
from nats.aio.client import Client as NATS
from sqlalchemy import func, select

from shared.bus.consumer import Consumer, Subscription
from shared.bus.credentials import connect_options
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
        self._task: asyncio.Task | None = None
        self._down_since: float | None = None
        self._stopping = False

    @property
    def connected(self) -> bool:
        return self.nc is not None and self.nc.is_connected and self.relay is not None

    async def start(self) -> None:
        """Connect and start relay and consumers; when NATS is not there, go on without it: the
        service serves (events wait in its outbox) and the bus starts in the background once it is."""
        self._task = asyncio.create_task(self._connect_and_start(), name=f"bus-{self.settings.service_name}")
        # Usually the bus is there: then the service starts with its consumers running, as before.
        await asyncio.wait({self._task}, timeout=self.settings.bus_start_wait_seconds)

    async def wait_started(self) -> None:
        """Until the relay and every consumer run (tests, tools); re-raises a start-up bug."""
        await asyncio.shield(self._task)

    async def _connect_and_start(self) -> None:
        s = self.settings
        loop = asyncio.get_running_loop()
        since, attempts, first = loop.time(), 0, ""
        while True:
            try:
                await self._start_once()
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.nc is not None:  # connected but the streams could not be set up: start over
                    with contextlib.suppress(Exception):
                        await self.nc.close()
                    self.nc = None
                attempts += 1
                if attempts == 1:
                    first = f"{type(exc).__name__}: {exc}"[:300]
                    log.warning("%s: bus not reachable at %s (%s); serving without it, events wait in "
                                "the outbox", s.service_name, s.nats_url, first)
                await asyncio.sleep(min(5.0, 0.2 * 2 ** min(attempts - 1, 5)))
        if attempts:
            log.warning("%s: bus reached after %.1f s and %d failed attempts (first: %s)",
                        s.service_name, loop.time() - since, attempts, first)

    async def _start_once(self) -> None:
        s = self.settings
        self.nc = await nats.connect(
            servers=[u.strip() for u in s.nats_url.split(",")],
            name=f"supervision-{s.service_name}",
            **connect_options(s.nats_user, s.nats_password, s.nats_password_file),
            # One try of each server here (our loop retries, saying so once); once connected,
            # nats-py reconnects for ever.
            max_reconnect_attempts=1,
            reconnect_time_wait=0.5,
            connect_timeout=5,
            allow_reconnect=True,
            error_cb=self._quiet,
            disconnected_cb=self._disconnected,
            reconnected_cb=self._reconnected,
        )
        self.nc.options["max_reconnect_attempts"] = -1
        self.js = self.nc.jetstream(timeout=10)
        await ensure_producer_stream(self.js, s.service_name, s.stream_replicas)
        await ensure_dead_letter_stream(self.js, s.stream_replicas)
        consumers = []
        for sub in self.subscriptions:
            # Producers create their own streams; a consumer may start first, so make sure it exists.
            await ensure_producer_stream(self.js, sub.producer, s.stream_replicas)
            consumer = Consumer(
                self.db, self.js, self.nc, sub,
                max_deliver=s.consumer_max_deliver, backoff_seconds=s.consumer_backoff_seconds,
            )
            await consumer.ensure()
            consumers.append(consumer)
        self.relay = OutboxRelay(
            self.db,
            self.nc,
            poll_seconds=s.outbox_poll_seconds,
            replay_window=timedelta(hours=s.outbox_replay_hours),
        )
        self.relay.start()
        for consumer in consumers:
            consumer.start()
            self.consumers.append(consumer)

    async def _quiet(self, exc: Exception) -> None:
        # nats-py reports every failed reconnect here; the disconnect/reconnect lines say it once.
        log.debug("%s: bus error: %s", self.settings.service_name, exc)

    async def _disconnected(self) -> None:
        if self._down_since is None and not self._stopping:
            self._down_since = asyncio.get_running_loop().time()
            log.warning("%s: bus connection lost; serving on, events wait in the outbox", self.settings.service_name)

    async def _reconnected(self) -> None:
        if self._down_since is not None:
            gone = asyncio.get_running_loop().time() - self._down_since
            self._down_since = None
            log.warning("%s: bus connection back after %.1f s", self.settings.service_name, gone)

    async def health(self) -> str:
        """`connected`, or `degraded: ...` saying what is missing and what waits."""
        if not self.connected:
            waiting = await self.relay_waiting()
            return f"degraded: NATS not reachable; {waiting} events wait in the outbox"
        paused = [c.name for c in self.consumers if c.paused]
        if paused:
            return f"degraded: consumers waiting out a database fault: {', '.join(paused)}"
        return "connected"

    async def relay_waiting(self) -> int:
        t = self.db.outbox_table
        async with self.db.sessionmaker() as session:
            return (await session.execute(select(func.count()).select_from(t).where(t.c.sent_at.is_(None)))).scalar_one()

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        for c in self.consumers:
            await c.stop()
        if self.relay:
            await self.relay.stop()
        if self.nc is not None:
            try:
                if self.nc.is_connected:
                    await asyncio.wait_for(self.nc.drain(), timeout=10)
                else:  # draining would wait for a server that is not there
                    await asyncio.wait_for(self.nc.close(), timeout=5)
            except Exception:  # noqa: BLE001, S110 - stopping anyway
                pass
