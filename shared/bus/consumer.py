"""Idempotent consumers: durable pull subscriptions whose effects commit with the inbox row.

For each message: open a transaction, insert (consumer, event id) into the inbox; if it was
already there the event was handled before and only the ack is repeated; otherwise run the
handler in the same transaction. Ack only after commit.

Failures are of two kinds (shared.bus.failures). A transient one (the database locked, full or
unreachable, a lost connection, a timeout) is the world's fault, not the message's: the consumer
pauses on that message and retries it with capped exponential backoff for as long as it takes,
keeping it (and the rest of its batch) from being redelivered meanwhile; the episode is logged
once when it starts and once when it ends. Any other failure is the handler refusing the
message: it is retried with backoff (nak with delay, so messages behind it keep flowing) and
after `max_deliver` tries parked on `dlq.<consumer>.<subject>` and acked, for an operator to
inspect and re-drive (shared.bus.dead_letters).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.envelope import Event
from shared.bus.failures import is_transient
from shared.bus.streams import dead_letter_subject, stream_name
from shared.metrics import (
    CONSUMER_DEAD_LETTERED,
    CONSUMER_DUPLICATES,
    CONSUMER_PAUSED,
    CONSUMER_PROCESSED,
    CONSUMER_RETRIES,
    CONSUMER_TRANSIENT_RETRIES,
)
from shared.tracing import traceparent_var

log = logging.getLogger("shared.bus.consumer")

Handler = Callable[[AsyncSession, Event], Awaitable[None]]


@dataclass
class Subscription:
    """What a service consumes: a durable name, the producer's stream, subject filters, a handler."""

    durable: str
    producer: str
    subjects: list[str]
    handler: Handler
    max_deliver: int | None = None
    deliver_new_only: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class Consumer:
    def __init__(
        self,
        db: Any,
        js: JetStreamContext,
        nc: NATS,
        sub: Subscription,
        *,
        max_deliver: int = 5,
        backoff_seconds: float = 0.5,
        batch: int = 256,
        ack_wait: float = 30.0,
        max_pause_seconds: float = 10.0,
    ) -> None:
        self.db = db
        self.js = js
        self.nc = nc
        self.sub = sub
        self.max_deliver = sub.max_deliver or max_deliver
        self.backoff = backoff_seconds
        self.batch = batch
        self.ack_wait = ack_wait
        # A paused message is touched (in_progress) at least this often, well inside ack_wait.
        self.max_pause = max(0.01, min(max_pause_seconds, ack_wait / 3))
        self._task: asyncio.Task | None = None
        self._psub: Any = None
        self._inbox_insert: Any = None
        self.processed = 0
        self.transient_retries = 0  # retries of transient failures, over the consumer's life
        self.paused = False  # waiting out a transient failure
        self._fetch_outage: tuple[float, int, str] | None = None  # (since, failed fetches, first error)

    @property
    def name(self) -> str:
        return self.sub.durable

    async def ensure(self) -> None:
        config = ConsumerConfig(
            durable_name=self.sub.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.NEW if self.sub.deliver_new_only else DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            # The server's own limit sits above ours so that we, not it, park the message.
            max_deliver=self.max_deliver + 2,
            max_ack_pending=10_000,
            filter_subjects=self.sub.subjects if len(self.sub.subjects) > 1 else None,
            filter_subject=self.sub.subjects[0] if len(self.sub.subjects) == 1 else None,
        )
        await self.js.add_consumer(stream_name(self.sub.producer), config)
        self._psub = await self.js.pull_subscribe_bind(self.sub.durable, stream=stream_name(self.sub.producer))

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=f"consumer-{self.name}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            # Bounded: a fetch on a connection that is gone can swallow its cancellation.
            await asyncio.wait({self._task}, timeout=3)
        if self._psub is not None:
            try:
                await self._psub.unsubscribe()
            except Exception:
                pass

    async def run(self) -> None:
        if self._psub is None:
            await self.ensure()
        # Ask for exactly what is waiting (each message says how many are pending behind it):
        # nats-py's fetch(n) lingers until n messages or its timeout, which would add up to a
        # second of latency when fewer than n are waiting.
        want = 1
        while True:
            try:
                msgs = await self._psub.fetch(want, timeout=1.0)
            except TimeoutError:
                self._fetch_recovered()
                want = 1
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the bus is away: one line when it goes, one when it is back
                await asyncio.sleep(self._fetch_failed(exc))
                want = 1
                continue
            self._fetch_recovered()
            for i, msg in enumerate(msgs):
                try:
                    await self.process(msg, msgs[i + 1:])
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # an ack, nak or dead letter lost with the bus: redelivered later
                    log.warning("consumer %s: could not settle a message (%s); it will be redelivered",
                                self.name, exc)
            pending = msgs[-1].metadata.num_pending if msgs and msgs[-1].metadata else 0
            want = max(1, min(self.batch, pending or 1))

    def _fetch_failed(self, exc: Exception) -> float:
        now = asyncio.get_running_loop().time()
        if self._fetch_outage is None:
            self._fetch_outage = (now, 0, f"{type(exc).__name__}: {exc}")
            log.warning("consumer %s: cannot fetch from the bus (%s); retrying until it is back",
                        self.name, self._fetch_outage[2])
        since, failures, first = self._fetch_outage
        self._fetch_outage = (since, failures + 1, first)
        return min(5.0, 0.1 * 2 ** min(failures, 6))

    def _fetch_recovered(self) -> None:
        if self._fetch_outage is not None:
            since, failures, first = self._fetch_outage
            self._fetch_outage = None
            log.warning("consumer %s: fetching again after %.1f s and %d failed fetches (first: %s)",
                        self.name, asyncio.get_running_loop().time() - since, failures, first)

    async def process(self, msg: Msg, waiting: list[Msg] | tuple[Msg, ...] = ()) -> None:
        """Handle one message; `waiting` are the messages of the same batch behind it."""
        try:
            event = Event.from_nats(msg.headers, msg.data)
        except Exception as exc:  # unreadable: no retry will help
            await self._dead_letter(msg, f"unreadable event: {exc}")
            return
        token = traceparent_var.set(event.traceparent)
        try:
            await self._handle_through_transient_faults(msg, waiting, event)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            delivered = msg.metadata.num_delivered if msg.metadata else 1
            if delivered >= self.max_deliver:
                log.error("consumer %s: %s parked after %d tries: %s", self.name, event.id, delivered, exc)
                await self._dead_letter(msg, f"{type(exc).__name__}: {exc}", tries=delivered)
            else:
                CONSUMER_RETRIES.labels(self.name).inc()
                log.warning("consumer %s: %s failed (try %d): %s", self.name, event.id, delivered, exc)
                await msg.nak(delay=self.backoff * 2 ** (delivered - 1))
            return
        finally:
            traceparent_var.reset(token)
        await msg.ack()

    async def _handle_through_transient_faults(self, msg: Msg, waiting: Any, event: Event) -> None:
        """Handle `event`, waiting out transient faults in place; raises only a refusal."""
        loop = asyncio.get_running_loop()
        started, tries, first = loop.time(), 0, ""
        try:
            while True:
                try:
                    await self._handle(event)
                    break
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if not is_transient(exc):
                        raise
                    if tries == 0:
                        first = f"{type(exc).__name__}: {exc}"[:300]
                        CONSUMER_PAUSED.labels(self.name).set(1)
                        self.paused = True
                        log.warning("consumer %s: paused on %s, transient failure (%s); retrying until it "
                                    "clears", self.name, event.id, first)
                    tries += 1
                    self.transient_retries += 1
                    CONSUMER_TRANSIENT_RETRIES.labels(self.name).inc()
                    # Keep this message and those behind it ours: no redelivery while we wait.
                    for m in (msg, *waiting):
                        try:
                            await m.in_progress()
                        except Exception:  # noqa: BLE001, S110 - the bus may be away too; redelivery is safe
                            pass
                    await asyncio.sleep(min(self.max_pause, self.backoff * 2 ** min(tries - 1, 16)))
        finally:
            if tries:
                CONSUMER_PAUSED.labels(self.name).set(0)
                self.paused = False
                log.warning("consumer %s: resumed on %s after %.1f s and %d retries (first failure: %s)",
                            self.name, event.id, loop.time() - started, tries, first)

    async def _handle(self, event: Event) -> None:
        if self._inbox_insert is None:  # built once: the event's values are execute parameters
            ins = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
            self._inbox_insert = ins(self.db.inbox_table).on_conflict_do_nothing()
        async with self.db.sessionmaker() as session, session.begin():
            result = await session.execute(
                self._inbox_insert,
                {
                    "consumer": self.name,
                    "event_id": event.id,
                    "event_type": event.type,
                    "processed_at": datetime.now(UTC),
                },
            )
            if result.rowcount == 0:
                CONSUMER_DUPLICATES.labels(self.name).inc()
                return
            await self.sub.handler(session, event)
        self.processed += 1
        CONSUMER_PROCESSED.labels(self.name).inc()

    async def _dead_letter(self, msg: Msg, reason: str, tries: int = 1) -> None:
        headers = dict(msg.headers or {})
        # Parking twice (a crash between publish and ack) stays one dead letter.
        headers["Nats-Msg-Id"] = f"dlq-{self.name}-{headers.get('ce-id', msg.reply)}"
        headers["dlq-reason"] = reason[:1000]
        headers["dlq-consumer"] = self.name
        headers["dlq-original-subject"] = msg.subject
        headers["dlq-tries"] = str(tries)
        headers["dlq-time"] = datetime.now(UTC).isoformat()
        await self.js.publish(dead_letter_subject(self.name, msg.subject), msg.data, headers=headers)
        CONSUMER_DEAD_LETTERED.labels(self.name).inc()
        await msg.ack()
