"""Transactional outbox: events are rows written in the business transaction; a relay publishes them.

`add_event` is the only way a service emits an event. The relay is woken right after a
commit that added rows (see shared.db), also polls as a safety net, publishes a batch
pipelined (all publishes in flight, then the acks), marks acked rows sent, retries failures
with exponential backoff, and deletes sent rows once they are older than the replay window.
The rows `add_event` wrote are handed to the relay by the commit, so it publishes them without
reading them back; whatever it cannot know that way (rows written otherwise, other processes,
failures, a savepoint rolled back) it reads from the table.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from nats.aio.client import Client as NATS
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.envelope import Event, encode_data
from shared.bus.publisher import BatchPublisher
from shared.contracts import EventPayload, schema_uri
from shared.ids import new_id
from shared.metrics import OUTBOX_FAILURES, OUTBOX_PENDING, OUTBOX_PUBLISHED
from shared.redaction.events import minimise_event_data
from shared.tracing import current_traceparent

log = logging.getLogger("shared.bus.outbox")
# One INSERT per outbox table, built once: its cache key is computed once, not per event.
_INSERTS: dict[Any, Any] = {}


class OutboxRow(NamedTuple):
    """An outbox row as written by `add_event`: handed to the relay when its transaction commits."""

    seq: int
    event_id: str
    event_type: str
    version: int
    source: str
    subject: str | None
    occurred_at: datetime
    data: str
    traceparent: str | None


async def add_event(session: AsyncSession, payload: EventPayload, *, subject: str | None = None) -> str:
    """Queue `payload` for publication when (and only if) the session's transaction commits."""
    db = session.info["database"]
    t = db.outbox_table
    stmt = _INSERTS.get(t)
    if stmt is None:
        stmt = _INSERTS.setdefault(t, insert(t).returning(t.c.seq))
    values = {
        "event_id": new_id(),
        "event_type": payload.event_type,
        "version": payload.event_version,
        "source": f"/supervision/{db.service}",
        "subject": subject,
        "occurred_at": datetime.now(UTC),
        # Redacted here, whatever the caller built: no ID number, phone or home address leaves in clear.
        "data": encode_data(minimise_event_data(payload.model_dump(mode="json"))).decode(),
        "traceparent": current_traceparent(),
    }
    # Values as execute parameters, not .values(): the statement stays the same (compiled once).
    seq = (await session.execute(stmt, {**values, "attempts": 0})).scalar_one()
    # Kept with the session: after the commit the relay publishes these without reading them back.
    session.info.setdefault("outbox_rows", []).append(OutboxRow(seq=seq, **values))
    return values["event_id"]


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
        # Statements of every pass, built once (seqs and times are parameters).
        t = db.outbox_table
        self._unsent = (select(t).where(t.c.sent_at.is_(None), t.c.seq > bindparam("after_seq"))
                        .order_by(t.c.seq).limit(batch_size))
        self._mark_sent = (update(t).where(t.c.seq.in_(bindparam("seqs", expanding=True)))
                           .values(sent_at=bindparam("now"), attempts=t.c.attempts + 1))
        self._last_cleanup = 0.0
        self.published = 0
        # Rows committed by this process since the last pass (see `wake`), and whether only those
        # are new: otherwise (rows written by other means or processes, failures, start) read them.
        self._handed: list[OutboxRow] = []
        self._scan = True
        # Seqs passes read lately: a commit may hand its rows over after a pass already read them
        # (its hook runs when the committing task resumes), and they must not go out twice.
        self._read_lately: dict[int, None] = {}
        db.on_outbox_commit(self.wake)
        self._outage: tuple[float, int, str] | None = None  # (since, failed passes, first error)
        self._last_error = ""

    def wake(self, rows: list[OutboxRow] | None = None) -> None:
        """A transaction committed outbox rows: these (already known), or unknown ones (None)."""
        if rows is None:
            self._scan = True
        else:
            self._handed.extend(rows)
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
                # A big backlog goes the pipelined way (drain); a commit's few rows go straight out.
                handed = 0 < len(self._handed) <= self.batch_size and not (self._scan or backoff)
                failed = await (self._publish_handed() if handed else self.drain())
                backoff = 0.0 if not failed else min(self.max_backoff, max(0.1, backoff * 2 or 0.1))
                if failed:
                    self._outage_pass(self._last_error)
                else:
                    self._outage_over()
                await self._maybe_cleanup()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # database or bus down: keep trying, never die
                self._outage_pass(f"{type(exc).__name__}: {exc}")
                backoff = min(self.max_backoff, max(0.1, backoff * 2 or 0.1))

    def _outage_pass(self, error: str) -> None:
        # One line when publishing starts failing, one when it works again (with counts), not one a pass.
        if self._outage is None:
            self._outage = (asyncio.get_running_loop().time(), 0, error[:300])
            log.warning("outbox %s: cannot publish (%s); retrying, events wait in the outbox",
                        self.db.service, error[:300])
        since, passes, first = self._outage
        self._outage = (since, passes + 1, first)

    def _outage_over(self) -> None:
        if self._outage is not None:
            since, passes, first = self._outage
            self._outage = None
            log.warning("outbox %s: publishing again after %.1f s and %d failed passes (first: %s); "
                        "%d events published since start", self.db.service,
                        asyncio.get_running_loop().time() - since, passes, first, self.published)

    async def _publish_handed(self) -> int:
        """Publish the rows this process just committed, as they were written (no read back)."""
        rows, self._handed = sorted(r for r in self._handed if r.seq not in self._read_lately), []
        if not rows:
            return 0
        sent, failed = await self.publish_rows(rows)
        await self._mark(sent, failed)
        OUTBOX_PENDING.labels(self.db.service).set(len(failed))
        self._scan = bool(failed)  # retried by reading them, after the backoff
        return len(failed)

    async def drain(self) -> int:
        """Publish every unsent row now; returns how many failed in this pass.

        Marking batch N sent overlaps with reading and publishing batch N+1 (the read starts
        after the last seq handed to the bus, so nothing is published twice in one pass).
        Rows handed over by commits are not published again once read here.
        """
        self._scan = False
        total_failed = 0
        after_seq = -1
        marking: asyncio.Task | None = None
        try:
            while True:
                async with self.db.sessionmaker() as session:
                    rows = (await session.execute(self._unsent, {"after_seq": after_seq})).all()
                if not rows:
                    OUTBOX_PENDING.labels(self.db.service).set(0)
                    return total_failed
                after_seq = rows[-1].seq
                self._note_read(rows)
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

    def _note_read(self, rows: list[Any]) -> None:
        lately = self._read_lately
        lately.update(dict.fromkeys(r.seq for r in rows))
        excess = len(lately) - 4 * self.batch_size  # bounded: the race is with the latest commits only
        if excess > 0:
            for seq in list(itertools.islice(lately, excess)):
                del lately[seq]

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
            self._last_error = f"{len(failed)} of {len(rows)} publishes failed: {failed[0][1]}"
        return sent, failed

    async def _mark(self, sent: list[int], failed: list[tuple[int, str]]) -> None:
        t = self.db.outbox_table
        now = datetime.now(UTC)
        async with self.db.sessionmaker() as session:
            for i in range(0, len(sent), 500):
                await session.execute(self._mark_sent, {"seqs": sent[i : i + 500], "now": now})
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
