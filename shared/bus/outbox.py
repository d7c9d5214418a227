"""Transactional outbox: events are rows written in the business transaction; a relay publishes them.

`add_event` is the only way a service emits an event. The relay is woken right after a
commit that added rows (see shared.db), also polls as a safety net, publishes a batch
pipelined (all publishes in flight, then the acks), marks acked rows sent, retries failures
with exponential backoff, and deletes sent rows once they are older than the replay window.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from nats.aio.client import Client as NATS
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.envelope import Event, encode_data
from shared.bus.publisher import BatchPublisher
from shared.contracts import EventPayload, schema_uri
from shared.ids import new_id
from shared.metrics import OUTBOX_FAILURES, OUTBOX_PENDING, OUTBOX_PUBLISHED
from shared.tracing import current_traceparent

log = logging.getLogger("shared.bus.outbox")


async def add_event(session: AsyncSession, payload: EventPayload, *, subject: str | None = None) -> str:
    """Queue `payload` for publication when (and only if) the session's transaction commits."""
    db = session.info["database"]
    event_id = new_id()
    # Values as execute parameters, not .values(): the statement stays the same (compiled once).
    await session.execute(
        insert(db.outbox_table),
        {
            "event_id": event_id,
            "event_type": payload.event_type,
            "version": payload.event_version,
            "source": f"/supervision/{db.service}",
            "subject": subject,
            "occurred_at": datetime.now(UTC),
            "data": encode_data(payload.model_dump(mode="json")).decode(),
            "traceparent": current_traceparent(),
            "attempts": 0,
        },
    )
    session.info["outbox_pending"] = True
    return event_id


def row_to_event(row: Any) -> Event:
    import json

    occurred = row.occurred_at if row.occurred_at.tzinfo else row.occurred_at.replace(tzinfo=UTC)
    return Event(
        id=row.event_id,
        type=row.event_type,
        version=row.version,
        source=row.source,
        subject=row.subject,
        time=occurred,
        data=json.loads(row.data),
        traceparent=row.traceparent,
    )


def row_headers(row: Any) -> dict[str, str]:
    """CloudEvents binary-mode headers of an outbox row (same as Event.headers, without the detour)."""
    occurred = row.occurred_at if row.occurred_at.tzinfo else row.occurred_at.replace(tzinfo=UTC)
    h = {
        "ce-specversion": "1.0",
        "ce-id": row.event_id,
        "ce-source": row.source,
        "ce-type": row.event_type,
        "ce-time": occurred.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "ce-datacontenttype": "application/json",
        "ce-dataschema": schema_uri(row.event_type, row.version),
        "Nats-Msg-Id": row.event_id,
    }
    if row.subject:
        h["ce-subject"] = row.subject
    if row.traceparent:
        h["traceparent"] = row.traceparent
    return h


class OutboxRelay:
    def __init__(
        self,
        db: Any,
        nc: NATS,
        *,
        batch_size: int = 1000,
        poll_seconds: float = 1.0,
        replay_window: timedelta = timedelta(hours=72),
        max_backoff: float = 30.0,
    ) -> None:
        self.db = db
        self.publisher = BatchPublisher(nc)
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.replay_window = replay_window
        self.max_backoff = max_backoff
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._last_cleanup = 0.0
        self.published = 0
        db.on_outbox_commit(self.wake)

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=f"outbox-relay-{self.db.service}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
        await self.publisher.close()

    async def run(self) -> None:
        backoff = 0.0
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=backoff or self.poll_seconds)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                failed = await self.drain()
                backoff = 0.0 if not failed else min(self.max_backoff, max(0.1, backoff * 2 or 0.1))
                await self._maybe_cleanup()
            except asyncio.CancelledError:
                raise
            except Exception:  # database or bus down: keep trying, never die
                log.exception("outbox relay pass failed")
                backoff = min(self.max_backoff, max(0.1, backoff * 2 or 0.1))

    async def drain(self) -> int:
        """Publish every unsent row now; returns how many failed in this pass.

        Marking batch N sent overlaps with reading and publishing batch N+1 (the read starts
        after the last seq handed to the bus, so nothing is published twice in one pass).
        """
        t = self.db.outbox_table
        total_failed = 0
        after_seq = -1
        marking: asyncio.Task | None = None
        try:
            while True:
                async with self.db.sessionmaker() as session:
                    rows = (
                        await session.execute(
                            select(t)
                            .where(t.c.sent_at.is_(None), t.c.seq > after_seq)
                            .order_by(t.c.seq)
                            .limit(self.batch_size)
                        )
                    ).all()
                if not rows:
                    OUTBOX_PENDING.labels(self.db.service).set(0)
                    return total_failed
                after_seq = rows[-1].seq
                sent, failed = await self.publish_rows(rows)
                total_failed += len(failed)
                if marking is not None:
                    await marking
                marking = asyncio.create_task(self._mark(sent, failed))
                if failed or len(rows) < self.batch_size:
                    OUTBOX_PENDING.labels(self.db.service).set(len(failed))
                    return total_failed
        finally:
            if marking is not None:
                await marking

    async def publish_rows(self, rows: list[Any]) -> tuple[list[int], list[tuple[int, str]]]:
        # The stored data is already the JSON body: publish it as is, in outbox order, acks awaited together.
        results = await self.publisher.publish_batch([(r.event_type, r.data.encode(), row_headers(r)) for r in rows])
        sent: list[int] = []
        failed: list[tuple[int, str]] = []
        for row, err in zip(rows, results):
            if err is None:
                sent.append(row.seq)
            else:
                failed.append((row.seq, err))
        if sent:
            OUTBOX_PUBLISHED.labels(self.db.service).inc(len(sent))
            self.published += len(sent)
        if failed:
            OUTBOX_FAILURES.labels(self.db.service).inc(len(failed))
            log.warning("outbox: %d of %d publishes failed: %s", len(failed), len(rows), failed[0][1])
        return sent, failed

    async def _mark(self, sent: list[int], failed: list[tuple[int, str]]) -> None:
        t = self.db.outbox_table
        now = datetime.now(UTC)
        async with self.db.sessionmaker() as session:
            for i in range(0, len(sent), 500):
                chunk = sent[i : i + 500]
                await session.execute(
                    update(t).where(t.c.seq.in_(chunk)).values(sent_at=now, attempts=t.c.attempts + 1)
                )
            for seq, err in failed:
                await session.execute(
                    update(t).where(t.c.seq == seq).values(attempts=t.c.attempts + 1, last_error=err[:2000])
                )
            await session.commit()

    async def _maybe_cleanup(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._last_cleanup < 60:
            return
        self._last_cleanup = loop.time()
        t = self.db.outbox_table
        cutoff = datetime.now(UTC) - self.replay_window
        async with self.db.sessionmaker() as session:
            await session.execute(delete(t).where(t.c.sent_at.is_not(None), t.c.sent_at < cutoff))
            await session.commit()

    async def replay(self, since: datetime) -> int:
        """Publish again every row sent since `since` (consumers' inboxes drop what they saw)."""
        t = self.db.outbox_table
        async with self.db.sessionmaker() as session:
            rows = (await session.execute(select(t).where(t.c.sent_at >= since).order_by(t.c.seq))).all()
        if rows:
            await self.publish_rows(rows)
        return len(rows)
