"""Idempotent consumers: durable pull subscriptions whose effects commit with the inbox row.

For each message: open a transaction, insert (consumer, event id) into the inbox; if it was
already there the event was handled before and only the ack is repeated; otherwise run the
handler in the same transaction. Ack only after commit. A handler failure is retried with
exponential backoff (nak with delay, so messages behind it keep flowing); after
`max_deliver` tries the message is parked on `dlq.<consumer>.<subject>` and acked.
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
from shared.bus.streams import dead_letter_subject, stream_name
from shared.metrics import (
    CONSUMER_DEAD_LETTERED,
    CONSUMER_DUPLICATES,
    CONSUMER_PROCESSED,
    CONSUMER_RETRIES,
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
    ) -> None:
        self.db = db
        self.js = js
        self.nc = nc
        self.sub = sub
        self.max_deliver = sub.max_deliver or max_deliver
        self.backoff = backoff_seconds
        self.batch = batch
        self.ack_wait = ack_wait
        self._task: asyncio.Task | None = None
        self._psub: Any = None
        self._inbox_insert: Any = None
        self.processed = 0

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
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
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
                want = 1
                continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("consumer %s: fetch failed", self.name)
                await asyncio.sleep(0.5)
                want = 1
                continue
            for msg in msgs:
                await self.process(msg)
            pending = msgs[-1].metadata.num_pending if msgs and msgs[-1].metadata else 0
            want = max(1, min(self.batch, pending or 1))

    async def process(self, msg: Msg) -> None:
        try:
            event = Event.from_nats(msg.headers, msg.data)
        except Exception as exc:  # unreadable: no retry will help
            await self._dead_letter(msg, f"unreadable event: {exc}")
            return
        token = traceparent_var.set(event.traceparent)
        try:
            await self._handle(event)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            delivered = msg.metadata.num_delivered if msg.metadata else 1
            if delivered >= self.max_deliver:
                log.error("consumer %s: %s parked after %d tries: %s", self.name, event.id, delivered, exc)
                await self._dead_letter(msg, f"{type(exc).__name__}: {exc}")
            else:
                CONSUMER_RETRIES.labels(self.name).inc()
                log.warning("consumer %s: %s failed (try %d): %s", self.name, event.id, delivered, exc)
                await msg.nak(delay=self.backoff * 2 ** (delivered - 1))
            return
        finally:
            traceparent_var.reset(token)
        await msg.ack()

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

    async def _dead_letter(self, msg: Msg, reason: str) -> None:
        headers = dict(msg.headers or {})
        # Parking twice (a crash between publish and ack) stays one dead letter.
        headers["Nats-Msg-Id"] = f"dlq-{self.name}-{headers.get('ce-id', msg.reply)}"
        headers["dlq-reason"] = reason[:1000]
        headers["dlq-consumer"] = self.name
        headers["dlq-original-subject"] = msg.subject
        await self.js.publish(dead_letter_subject(self.name, msg.subject), msg.data, headers=headers)
        CONSUMER_DEAD_LETTERED.labels(self.name).inc()
        await msg.ack()
