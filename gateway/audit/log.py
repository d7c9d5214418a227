"""The access audit: who called what about which market participant, when, with what outcome.

The hot path only appends a tuple to an asyncio queue (`AuditLog.record`); a writer task
drains the queue in batches, finds the subjects, and writes one transaction per batch. Nothing
on the request path waits for the database. A call touched every market participant whose
valid USCC appears in its path, its query, its request body or its answer (a case, a decision,
a list page, a search), so "who looked at my company's data" counts each of them.

What is recorded: every call by a department or service credential (allowed or refused),
and anonymous writes (e.g. a complaint filed without an account). Anonymous reads reach only
public data and are not recorded, so no member of the public is tracked.

If the queue is full (the database has been unreachable for a long while) a record is
dropped and counted in `sup_gateway_audit_dropped_total`; /readyz reports the backlog.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus
from zoneinfo import ZoneInfo

from prometheus_client import Counter, Gauge

from gateway.access.policy import Decision
from gateway.audit.repository import AuditRepository
from shared.auth import Principal
from shared.db import Database
from shared.identifiers import is_valid_uscc
from shared.ids import new_id

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
AUDIT_WRITTEN = Counter("sup_gateway_audit_written_total", "Access audit records written")
AUDIT_DROPPED = Counter("sup_gateway_audit_dropped_total", "Access audit records dropped (queue full)")
AUDIT_BACKLOG = Gauge("sup_gateway_audit_backlog", "Access audit records waiting to be written")
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")
_CANDIDATE_BYTES = re.compile(rb"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")
# A page is at most a few hundred subjects; the cap bounds the writer's work on a huge answer.
MAX_SUBJECTS = 1000
# How much of a request body or an answer the proxy keeps for the audit (bytes, each).
MAX_SCANNED_BYTES = 4 * 1024 * 1024
READS = frozenset({"GET", "HEAD"})


def subjects_in(path: str, query: str = "") -> list[str]:
    """The valid USCCs named in a path and query string, in order, without repeats."""
    found: list[str] = []
    for text in (path, unquote_plus(query) if query else ""):
        for m in _CANDIDATE.finditer(text):
            code = m.group(0).upper()
            if code not in found and is_valid_uscc(code):
                found.append(code)
                if len(found) >= MAX_SUBJECTS:
                    return found
    return found


def subjects_touched(path: str, query: str = "", body: bytes = b"", answer: tuple[bytes, ...] = ()) -> list[str]:
    """Every valid USCC the call named or was answered with: path, query, request body, answer."""
    found = subjects_in(path, query)
    seen = set(found)
    for blob in (body, *answer):
        for m in _CANDIDATE_BYTES.finditer(blob):
            code = m.group(0).decode("ascii").upper()
            if code not in seen and is_valid_uscc(code):
                seen.add(code)
                found.append(code)
                if len(found) >= MAX_SUBJECTS:
                    return found
    return found


def _summary(named: list[str], width: int = 400) -> str:
    """The log line's subject column (its width is fixed); access_subjects keeps one row for each."""
    return " ".join(named[: (width + 1) // 19])


def month_of(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m")


# (time, principal, method, path, query, decision, status, request id, duration s, request body, answer chunks)
Item = tuple[float, Principal, str, str, bytes, Decision | None, int, bytes, float, bytes, tuple[bytes, ...]]


class AuditLog:
    def __init__(self, database_url: str, *, policy_version: str = "", maxsize: int = 100_000,
                 batch_size: int = 500, linger_seconds: float = 0.05) -> None:
        self.database_url = database_url
        self.policy_version = policy_version
        self.batch_size = batch_size
        # After the first record of a batch, wait this long for more: under load one
        # transaction then carries many records instead of one each.
        self.linger_seconds = linger_seconds
        self.queue: asyncio.Queue[Item] = asyncio.Queue(maxsize)
        self.db: Database | None = None
        self._task: asyncio.Task | None = None

    # -- hot path -----------------------------------------------------------------------
    def should_record(self, principal: Principal | None, method: str) -> bool:
        return principal is not None and (not principal.is_public or method not in READS)

    def record(self, item: Item) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            AUDIT_DROPPED.inc()

    def on_complete(self, scope: dict[str, Any], status: int, started: float) -> None:
        """The proxy's completion hook: queue a record when the call is one we audit."""
        state = scope["state"]
        principal = state.get("principal")
        method = scope["method"]
        if principal is None or (principal.is_public and method in READS):
            return
        self.record((time.time(), principal, method, scope["path"], scope.get("query_string", b""),
                     state.get("decision"), status, state.get("request_id", b""),
                     time.perf_counter() - started, state.get("request_body") or b"",
                     tuple(state.get("answer") or ())))

    # -- writer -------------------------------------------------------------------------
    async def start(self) -> None:
        self.db = Database(self.database_url, service="gateway")
        self._task = asyncio.create_task(self._run(), name="gateway-audit-writer")

    async def flush(self) -> None:
        """Wait until everything queued so far is written (tests, shutdown)."""
        await self.queue.join()

    async def stop(self, timeout: float = 10.0) -> None:
        if self._task is not None:
            try:
                await asyncio.wait_for(self.queue.join(), timeout)
            except TimeoutError:
                log.error("audit: %d records not written at shutdown", self.queue.qsize())
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self.db is not None:
            await self.db.dispose()
            self.db = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        q = self.queue
        backoff = 0.1
        while True:
            batch = [await q.get()]
            if self.linger_seconds and q.qsize() < self.batch_size:
                await asyncio.sleep(self.linger_seconds)
            while len(batch) < self.batch_size:
                try:
                    batch.append(q.get_nowait())
                except asyncio.QueueEmpty:
                    break
            AUDIT_BACKLOG.set(q.qsize())
            while True:
                try:
                    await self._write(batch)
                    backoff = 0.1
                    break
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # Keep the batch and retry: the log is evidence; losing it silently is worse.
                    log.exception("audit: writing %d records failed; retrying in %.1f s", len(batch), backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
            for _ in batch:
                q.task_done()

    def rows(self, batch: list[Item]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        records, subjects = [], []
        for t, p, method, path, query, decision, status, rid, duration, body, answer in batch:
            at = datetime.fromtimestamp(t, UTC)
            qs = query.decode("latin-1") if query else ""
            named = subjects_touched(path, qs, body, answer)
            purpose = decision.group if decision is not None else None
            access_id = new_id()
            records.append({
                "id": access_id, "at": at, "kind": p.kind, "department": p.department,
                "client_id": p.client_id, "roles": " ".join(sorted(p.roles)), "method": method,
                "path": path[:1000], "query": qs[:4000],
                "route": decision.route if decision is not None else None, "purpose": purpose,
                "rule_id": decision.rule_id if decision is not None else None,
                "policy_version": self.policy_version,
                "allowed": bool(decision is not None and decision.allowed), "status": status,
                "subjects": _summary(named), "request_id": rid.decode("latin-1")[:128],
                "duration_ms": int(duration * 1000),
            })
            month = month_of(at)
            for uscc in named:
                subjects.append({"id": new_id(), "access_id": access_id, "uscc": uscc, "month": month,
                                 "at": at, "department": p.department, "purpose": purpose, "status": status})
        return records, subjects

    async def _write(self, batch: list[Item]) -> None:
        assert self.db is not None
        records, subjects = self.rows(batch)
        async with self.db.sessionmaker() as session:
            await AuditRepository(session).add_batch(records, subjects)
            await session.commit()
        AUDIT_WRITTEN.inc(len(records))
