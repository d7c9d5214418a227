"""The gateway's hot path: a plain ASGI reverse proxy over kept-alive upstream connections.

No FastAPI routing here, and no HTTP client library: `gateway.proxy.upstream` writes the ASGI
header bytes straight to a pooled connection and parses the answer with httptools (the
profile showed aiohttp's per-request objects costing more than everything else together).
The proxy streams large bodies, drops hop-by-hop headers, adds X-Request-Id and
X-Forwarded-*, passes `traceparent` through, and answers its own failures as RFC 9457
problem+json: 413 body too large, 422 page size over the cap, 503 upstream refused, 504
upstream timeout, 502 other upstream failures. It never waits on an upstream longer than
its timeouts.

Routing: `upstreams` maps a path prefix to a base URL, the target being
`base_url + path[len(prefix):]` (so a base URL ending in the prefix keeps it, a bare host
strips it; `"/"` is a catch-all); `exact` maps single paths (`"/"` -> the site's home).
The gateway wires it in gateway/app.py.

Hooks: `guard(scope, authorization)` decides before anything is forwarded (gateway/access/guard.py);
`on_complete(scope, status, started)` runs after the answer was sent (the access audit).
"""

from __future__ import annotations

import itertools
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlsplit

from gateway.access.guard import Rejection
from gateway.audit.log import MAX_SCANNED_BYTES
from gateway.proxy.open311 import Open311Door
from gateway.proxy.upstream import (
    UpstreamError,
    UpstreamPool,
    UpstreamTimeout,
    UpstreamUnavailable,
)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

# RFC 9110 section 7.6.1 hop-by-hop fields, plus the non-standard ones still seen.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
     "trailer", "trailers", "transfer-encoding", "upgrade", "proxy-connection"}
)
# Request headers the proxy drops or sets itself (`expect`: the ASGI server already answered it).
_REQUEST_DROP = frozenset(h.encode() for h in HOP_BY_HOP | {
    "host", "content-length", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
    "forwarded", "x-request-id", "expect"})
_RESPONSE_DROP = frozenset(h.encode() for h in HOP_BY_HOP | {"server", "date"})
_BUFFER_LIMIT = 64 * 1024  # request bodies up to this size (with a Content-Length) go in one write
_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}\Z")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_LIMIT_PARAM = re.compile(rb"(?:^|&)limit=([^&]*)")


_RID_PREFIX = uuid.uuid4().hex[:16]
_rid_counter = itertools.count(1)


def _next_request_id() -> bytes:
    # Unique without a random draw per request: a per-process random prefix and a counter.
    return f"{_RID_PREFIX}{next(_rid_counter):016x}".encode()


Guard = Callable[[Scope, bytes | None], Awaitable[Rejection | None]]
OnComplete = Callable[[Scope, int, float], None]


def problem_response(status: int, detail: str, *, instance: str | None = None,
                     request_id: str | None = None, extra: dict[str, Any] | None = None,
                     headers: dict[str, str] | None = None) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
            "detail": detail}
    if instance:
        body["instance"] = instance
    if request_id:
        body["request_id"] = request_id
    body.update(extra or {})
    raw = json.dumps(body, ensure_ascii=False).encode()
    hdrs = [(b"content-type", b"application/problem+json"),
            (b"content-length", str(len(raw)).encode())]
    if request_id:
        hdrs.append((b"x-request-id", request_id.encode()))
    for k, v in (headers or {}).items():
        hdrs.append((k.lower().encode("latin-1"), v.encode("latin-1")))
    return raw, hdrs


class _BodyTooLarge(Exception):
    pass


class _ClientGone(Exception):
    pass


@dataclass(frozen=True)
class _Target:
    prefix: str
    pool: UpstreamPool
    base_path: str  # upstream path the stripped suffix is appended to ("" or "/credit")


class Proxy:
    def __init__(self, upstreams: dict[str, str], *, exact: dict[str, str] | None = None,
                 guard: Guard | None = None, on_complete: OnComplete | None = None,
                 max_body_bytes: int = 10 * 1024 * 1024, max_page_size: int | None = None,
                 connect_timeout: float = 2.0, timeout: float = 30.0, pool_size: int = 200,
                 keepalive_timeout: float = 4.0, open311: Open311Door | None = None):
        if not upstreams and not exact:
            raise ValueError("no upstreams")
        for prefix in list(upstreams) + list(exact or {}):
            if not prefix.startswith("/"):
                raise ValueError(f"upstream prefix must start with '/': {prefix}")
        self._pools: dict[str, UpstreamPool] = {}

        def target(prefix: str, url: str) -> _Target:
            u = urlsplit(url)
            origin = f"{u.scheme}://{u.netloc}"
            if origin not in self._pools:
                self._pools[origin] = UpstreamPool(origin, connect_timeout=connect_timeout, timeout=timeout,
                                                   max_idle=pool_size, idle_seconds=keepalive_timeout)
            return _Target(prefix, self._pools[origin], u.path)

        # Longest prefix first so "/credit" wins over "/".
        self._routes = sorted((target(p.rstrip("/") or "/", u.rstrip("/")) for p, u in upstreams.items()),
                              key=lambda r: -len(r.prefix))
        # Exact paths keep their base URL's path as given (e.g. "/" -> ".../site/").
        self._exact = {p: target(p, u) for p, u in (exact or {}).items()}
        self.guard = guard
        self.on_complete = on_complete
        self.max_body_bytes = max_body_bytes
        self.max_page_size = max_page_size
        self.open311 = open311

    # -- lifecycle ---------------------------------------------------------------------
    async def aclose(self) -> None:
        for pool in self._pools.values():
            pool.close()

    def route(self, path: str) -> tuple[UpstreamPool, str, int | None] | None:
        """(pool, base path, prefix length to strip) for a gateway path; None: no service.

        The prefix length is None for exact routes, whose target is the base path alone.
        """
        t = self._exact.get(path)
        if t is not None:
            return t.pool, t.base_path or "/", None
        for t in self._routes:
            prefix = t.prefix
            if prefix == "/":
                return t.pool, t.base_path, 0
            if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
                return t.pool, t.base_path, len(prefix)
        return None

    def upstream_for(self, path: str) -> str | None:
        found = self.route(path)
        if found is None:
            return None
        pool, base, strip = found
        upath = base if strip is None else (base + path[strip:]) or "/"
        return f"http://{pool.host_header.decode()}{upath}"

    # -- ASGI --------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            raise RuntimeError(f"unsupported scope {scope['type']}")
        started = time.perf_counter()
        status = 499  # the client went away before an answer
        try:
            status = await self._handle(scope, receive, send)
        finally:
            if self.on_complete is not None:
                self.on_complete(scope, status, started)

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> int:
        path: str = scope["path"]
        # One pass over the request headers: keep what goes upstream, pick out what we need.
        auth = rid = length = chunked = host = xff = connection = content_type = None
        auth_count = 0
        out: list[tuple[bytes, bytes]] = []
        for k, v in scope["headers"]:
            if k in _REQUEST_DROP:
                if k == b"x-request-id":
                    rid = v
                elif k == b"content-length":
                    length = v
                elif k == b"transfer-encoding":
                    chunked = b"chunked" in v.lower()
                elif k == b"host":
                    host = v
                elif k == b"x-forwarded-for":
                    xff = v
                elif k == b"connection":
                    connection = v
                continue
            if k == b"authorization":
                auth = v
                auth_count += 1
            elif k == b"content-type":
                content_type = v
            out.append((k, v))
        if rid is None or not _REQUEST_ID.match(rid):
            rid = _next_request_id()
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        state["request_id"] = rid

        found = self.route(path)
        if found is None:
            return await self._problem(send, scope, rid, 404, f"No service serves {path}")
        if auth_count > 1:
            # The service must verify the very token the gateway authorised and audited.
            return await self._problem(send, scope, rid, 400, "More than one Authorization header")
        body: bytes | None = None
        body_state = {"too_large": False}
        if self.open311 is not None and scope["method"] == "POST" and self.open311.covers(path):
            # The credential is inside the form: read it before the guard decides.
            if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
                return await self._problem(send, scope, rid, 413 if length.isdigit() else 400,
                                           self._too_large() if length.isdigit() else "Invalid Content-Length")
            try:
                body = await self._read_all(receive, body_state)
            except _BodyTooLarge:
                return await self._problem(send, scope, rid, 413, self._too_large())
            except _ClientGone:
                return 499
            client = scope.get("client")
            exchanged = await self.open311.credential(client[0] if client else "-", content_type, body)
            if isinstance(exchanged, Rejection):
                return await self._problem(send, scope, rid, exchanged.status, exchanged.detail,
                                           headers=exchanged.headers)
            key_auth, body = exchanged
            if key_auth is not None:
                if auth is not None:
                    return await self._problem(send, scope, rid, 400, "api_key and an Authorization header: send one")
                auth = key_auth
                out.append((b"authorization", auth))
            length = str(len(body)).encode()
        if self.guard is not None:
            rejection = await self.guard(scope, auth)
            if rejection is not None:
                return await self._problem(send, scope, rid, rejection.status, rejection.detail,
                                           headers=rejection.headers, extra=rejection.extra)
        qs: bytes = scope.get("query_string", b"")
        if self.max_page_size is not None and b"limit=" in qs:
            too_big = self._page_size_problem(qs)
            if too_big is not None:
                return await self._problem(send, scope, rid, 422, too_big[0], extra=too_big[1])
        if length is not None:
            if not length.isdigit():
                return await self._problem(send, scope, rid, 400, "Invalid Content-Length")
            if int(length) > self.max_body_bytes:
                return await self._problem(send, scope, rid, 413, self._too_large())

        if connection is not None:
            tokens = {t.strip().lower() for t in connection.split(b",")}
            out = [(k, v) for k, v in out if k not in tokens]
        out.append((b"x-request-id", rid))
        client = scope.get("client")
        if client:
            ip = client[0].encode()
            out.append((b"x-forwarded-for", xff + b", " + ip if xff else ip))
        if host is not None:
            out.append((b"x-forwarded-host", host))
        out.append((b"x-forwarded-proto", b"https" if scope.get("scheme") == "https" else b"http"))

        pool, base, strip = found
        if strip is None:
            target = quote(base, safe=_PATH_SAFE).encode("ascii")
        else:
            # Forward the bytes the client sent (no re-encoding) when the prefix is plain in them.
            raw: bytes | None = scope.get("raw_path")
            suffix = raw[strip:] if raw is not None else None
            if suffix is not None and raw[:strip] == path[:strip].encode() and (not suffix or suffix[:1] == b"/"):
                target = base.encode() + suffix
            else:
                target = quote(base + path[strip:], safe=_PATH_SAFE).encode("ascii")
            if not target:
                target = b"/"
        if qs:
            target += b"?" + qs

        stream: AsyncIterator[bytes] | None = None
        try:
            if body is None:  # (an Open311 POST's body was read above, for its credential)
                if length is not None and int(length) <= _BUFFER_LIMIT:
                    body = await self._read_all(receive, body_state)
                elif length is not None or chunked:
                    stream = self._stream(receive, body_state)
                elif scope["method"] in ("POST", "PUT", "PATCH"):
                    body = b""
        except _BodyTooLarge:
            return await self._problem(send, scope, rid, 413, self._too_large())
        except _ClientGone:
            return 499

        try:
            resp = await pool.request(scope["method"].encode(), target, out, body=body, stream=stream,
                                      stream_length=int(length) if stream is not None and length else None)
        except _ClientGone:
            return 499
        except _BodyTooLarge:
            return await self._problem(send, scope, rid, 413, self._too_large())
        except UpstreamTimeout:
            return await self._problem(send, scope, rid, 504, "The service did not answer in time")
        except UpstreamUnavailable:
            return await self._problem(send, scope, rid, 503, "The service is not reachable")
        except UpstreamError as exc:
            if body_state["too_large"]:
                return await self._problem(send, scope, rid, 413, self._too_large())
            return await self._problem(send, scope, rid, 502, f"The service failed to answer: {exc}")
        # The access audit counts the subjects in the request body and the answer too (department
        # and service calls only: anonymous reads are not audited, so nothing is kept for them).
        principal = state.get("principal")
        audited = principal is not None and not principal.is_public
        if audited and body:
            state["request_body"] = body[:MAX_SCANNED_BYTES]
        await self._relay(resp, send, rid, state.setdefault("answer", []) if audited else None)
        return resp.status

    def _page_size_problem(self, qs: bytes) -> tuple[str, dict[str, Any]] | None:
        # Every `limit` counts: a repeated parameter must not slip a big page past the check.
        if not any(m.group(1).isdigit() and int(m.group(1)) > self.max_page_size
                   for m in _LIMIT_PARAM.finditer(qs)):
            return None
        message = f"Input should be less than or equal to {self.max_page_size}"
        return (f"query.limit: {message}",
                {"errors": [{"field": "query.limit", "rule": "less_than_equal", "message": message}]})

    def _too_large(self) -> str:
        return f"Request body larger than {self.max_body_bytes} bytes"

    async def _problem(self, send: Send, scope: Scope, rid: bytes, status: int, detail: str, *,
                       headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None) -> int:
        if self.open311 is not None and self.open311.covers(scope["path"]):
            # GeoReport clients read only GeoReport errors (the guard's detail names what is missing).
            status, body, hdrs = self.open311.error(scope["path"], status, detail)
            hdrs += [(b"x-request-id", rid)] + [(k.lower().encode("latin-1"), v.encode("latin-1"))
                                                for k, v in (headers or {}).items() if k.lower() != "www-authenticate"]
            await send({"type": "http.response.start", "status": status, "headers": hdrs})
            await send({"type": "http.response.body", "body": body})
            return status
        body, hdrs = problem_response(status, detail, instance=scope["path"], request_id=rid.decode(),
                                      headers=headers, extra=extra)
        await send({"type": "http.response.start", "status": status, "headers": hdrs})
        await send({"type": "http.response.body", "body": body})
        return status

    async def _read_all(self, receive: Receive, state: dict[str, bool]) -> bytes:
        chunks = [c async for c in self._stream(receive, state)]
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def _stream(self, receive: Receive, state: dict[str, bool]) -> AsyncIterator[bytes]:
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone()
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_body_bytes:
                state["too_large"] = True
                raise _BodyTooLarge()
            if chunk:
                yield chunk
            if not message.get("more_body", False):
                return

    @staticmethod
    async def _relay(resp: Any, send: Send, rid: bytes, keep: list[bytes] | None = None) -> None:
        """Send the service's answer on; `keep` collects up to MAX_SCANNED_BYTES of it for the audit."""
        hdrs = []
        has_rid = False
        connection_tokens: set[bytes] = set()
        for k, v in resp.headers:
            if k in _RESPONSE_DROP:
                if k == b"connection":
                    connection_tokens = {t.strip().lower() for t in v.split(b",")}
                continue
            if k == b"x-request-id":
                has_rid = True
            hdrs.append((k, v))
        if connection_tokens:
            hdrs = [(k, v) for k, v in hdrs if k not in connection_tokens]
        if not has_rid:
            hdrs.append((b"x-request-id", rid))
        if resp.complete:
            # The whole answer is here already (typical API response): two sends, no loop.
            body = resp.take_body()
            if keep is not None:
                keep.append(body[:MAX_SCANNED_BYTES])
            await send({"type": "http.response.start", "status": resp.status, "headers": hdrs})
            await send({"type": "http.response.body", "body": body})
            return
        try:
            await send({"type": "http.response.start", "status": resp.status, "headers": hdrs})
            # Past this point the status is sent: an upstream failure can only cut the body,
            # and the exception makes the server drop the connection so the client sees it.
            kept = 0
            async for chunk in resp.iter_body():
                if keep is not None and kept < MAX_SCANNED_BYTES:
                    keep.append(chunk[: MAX_SCANNED_BYTES - kept])
                    kept += len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            resp.release()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


def make_proxy(upstreams: dict[str, str], **options: Any) -> Proxy:
    """Build the proxy; options as in `Proxy` (guard, max_body_bytes, timeout, ...)."""
    return Proxy(upstreams, **options)
