"""`Idempotency-Key` on POST (draft-ietf-httpapi-idempotency-key-header): a department system
that retries a request after a timeout gets the first answer back, never a second record.

How it holds without a window for doubles: the key row is written in the request's own session
before the route runs, so it commits together with the business change or not at all (a second
concurrent request with the same key then fails on the primary key and is answered 409). The
answer is stored right after the route, before it is sent, so a retry that arrives later replays
it. Keys are scoped by the calling client and kept for `RETENTION`.

After a crash. Because the key row commits with the change, a key row without a stored answer
can only mean one of two things: the first request is still running (its commit and the store
of its answer are microseconds apart), or it committed its change and died (or answered 5xx, or
its answer was too large) before the answer was stored. It can never mean "nothing happened":
a request that died before its commit left no key row, and its retry is already a fresh attempt.
So releasing such a key after a lease for a fresh attempt would do the change twice, the very
thing the key exists to prevent. Instead, once `LEASE` has passed (far longer than any request
runs), the key's outcome is recovered from that fact: the change is committed. The retry gets,
and every later retry replays, a 200 `{"outcome": "committed", ...}` answer with
`Idempotent-Replayed: true` and `Idempotency-Outcome: committed-answer-lost`, telling the caller
that its change was made once and to read the resource for its current state. Within the lease
the retry is told 409 (retry in a few seconds), as before: never a 409 for the rest of the 24 hours.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import Conflict, Unprocessable

HEADER = "Idempotency-Key"
RETENTION = timedelta(hours=24)
# A key with no answer this long after it was claimed belongs to a request that committed and died.
LEASE = timedelta(seconds=60)
RECOVERED_OUTCOME = "committed-answer-lost"
MAX_STORED_ANSWER = 1 << 20  # bytes; larger answers are not replayed (the retry is told to GET)
_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")  # visible ASCII, as the draft's sf-string allows
_HEADER_BYTES = HEADER.lower().encode()
KEY_IN_USE = f"another request with this {HEADER} was handled at the same time: retry to get its answer"
STATE = "idempotency"  # request.state attribute naming the (caller, key) this request registered
COMMITTED = "idempotency_committed"  # request.state attribute: the route committed the key's session


def define_idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("caller", String(200), nullable=False),
        Column("key", String(128), nullable=False),
        Column("fingerprint", String(64), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, index=True),
        Column("status_code", Integer),
        Column("content_type", String(200)),
        Column("location", String(500)),
        Column("body", LargeBinary),
        PrimaryKeyConstraint("caller", "key"),
    )


class IdempotentReplay(Exception):
    """Raised before the route runs when the key was already answered: the stored answer is sent."""

    def __init__(self, status_code: int, content_type: str | None, location: str | None, body: bytes,
                 outcome: str | None = None) -> None:
        super().__init__(status_code)
        self.status_code, self.content_type, self.location, self.body = status_code, content_type, location, body
        # A recovered outcome is replayed with its header by every later retry too (see the docstring).
        self.outcome = outcome or (RECOVERED_OUTCOME if body.startswith(b'{"outcome": "committed"') else None)

    def response(self) -> Response:
        headers = {"Idempotent-Replayed": "true"}
        if self.outcome:
            headers["Idempotency-Outcome"] = self.outcome
        if self.location:
            headers["Location"] = self.location
        return Response(self.body, status_code=self.status_code, media_type=self.content_type, headers=headers)


def idempotency_key(request: Request) -> str | None:
    if request.method != "POST":
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY.match(key):
        raise Unprocessable.field(f"header.{HEADER}", "idempotency.key.format",
                                  "1 to 128 visible ASCII characters (a UUID is a good choice)")
    return key


def request_fingerprint(request: Request, body: bytes) -> str:
    h = hashlib.sha256()
    for part in (request.method.encode(), request.url.path.encode(), request.url.query.encode(), body):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


async def claim_key(session: AsyncSession, request: Request, table: Table, caller: str, key: str) -> None:
    """Replays a known key's answer, refuses its reuse for another request, or registers it in
    `session` (committed by the route together with its change)."""
    fingerprint = request_fingerprint(request, await request.body())
    row = (await session.execute(select(table).where(table.c.caller == caller, table.c.key == key))).first()
    if row is not None:
        if row.fingerprint != fingerprint:
            raise Unprocessable.field(f"header.{HEADER}", "idempotency.key.reused",
                                      "this key was already used for a different request; use a new key")
        if row.status_code is None or row.body is None:
            created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
            if datetime.now(UTC) - created < LEASE:
                raise Conflict("the first request with this Idempotency-Key has not answered yet: retry in a "
                               f"few seconds (after {int(LEASE.total_seconds())} s its outcome is given)")
            await session.rollback()
            raise await _recovered(session, table, caller, key, row)
        await session.rollback()
        raise IdempotentReplay(row.status_code, row.content_type, row.location, row.body)
    try:
        await session.execute(insert(table).values(caller=caller, key=key, fingerprint=fingerprint,
                                                   created_at=datetime.now(UTC)))
    except IntegrityError:  # a concurrent request registered the key first (and has committed)
        await session.rollback()
        raise Conflict(KEY_IN_USE) from None
    request.state.idempotency = (caller, key)
    setattr(request.state, COMMITTED, False)

    # A route that only computes never commits: its answer is not stored (the claim rolls back
    # with its session), and the middleware must not wait on the lock that session still holds.
    def committed(_session: Any) -> None:
        setattr(request.state, COMMITTED, True)

    event.listen(session.sync_session, "after_commit", committed, once=True)


async def _recovered(session: AsyncSession, table: Table, caller: str, key: str, row: Any) -> IdempotentReplay:
    """The answer of a key whose change committed but whose answer was lost, stored for later retries."""
    body = json.dumps({
        "outcome": "committed",
        "detail": "the first request with this Idempotency-Key made its change, but its answer was lost "
                  "(the service stopped, failed after committing, or the answer was too large to keep); "
                  "the change was made once: read the resource for its current state",
        "first_attempt_at": row.created_at.isoformat(),
    }).encode()
    async with session.begin():
        await session.execute(update(table).where(table.c.caller == caller, table.c.key == key)
                              .values(status_code=200, content_type="application/json", body=body))
    return IdempotentReplay(200, "application/json", None, body, outcome=RECOVERED_OUTCOME)


def is_key_race(request: Request, exc: IntegrityError) -> bool:
    """True when a commit failed because a concurrent request registered the same key first."""
    return getattr(request.state, STATE, None) is not None and "idempotency_keys" in str(exc.orig)


class IdempotencyMiddleware:
    """Pure ASGI: stores the answer of a request that registered its key, before sending it."""

    def __init__(self, app: Any, table_of: Callable[[Any], Table | None]) -> None:
        self.app = app
        self.table_of = table_of

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not any(
                k == _HEADER_BYTES for k, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return
        start: dict | None = None
        chunks: list[bytes] = []

        async def keep_answer(message: dict) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._store(scope, start, b"".join(chunks))
            await send(start)
            await send({"type": "http.response.body", "body": b"".join(chunks)})

        await self.app(scope, receive, keep_answer)

    async def _store(self, scope: dict, start: dict, body: bytes) -> None:
        state = scope.get("state", {})
        claimed = state.get(STATE)
        app = scope["app"]
        table = self.table_of(app)
        if claimed is None or not state.get(COMMITTED) or table is None or start["status"] >= 500:
            return
        headers = {k.lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
        caller, key = claimed
        values: dict[str, Any] = {"status_code": start["status"], "content_type": headers.get(b"content-type"),
                                  "location": headers.get(b"location")}
        if len(body) <= MAX_STORED_ANSWER:
            values["body"] = body
        async with app.state.db.sessionmaker() as session:
            # Nothing matches when the route did not commit (a refused request): it may be retried.
            await session.execute(update(table).where(table.c.caller == caller, table.c.key == key,
                                                      table.c.status_code.is_(None)).values(**values))
            await session.commit()


async def forget_expired_keys(session: AsyncSession, table: Table, now: datetime | None = None) -> int:
    cutoff = (now or datetime.now(UTC)) - RETENTION
    return (await session.execute(delete(table).where(table.c.created_at < cutoff))).rowcount or 0
