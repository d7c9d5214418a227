"""The gateway's hot path: a plain ASGI reverse proxy over one shared aiohttp session.

No FastAPI routing here (measured: routing plus httpx cost most of the throughput). The
proxy streams request and response bodies, drops hop-by-hop headers, adds X-Request-Id
and X-Forwarded-*, passes `traceparent` through, and answers its own failures as RFC 9457
problem+json: 413 body too large, 503 upstream refused, 504 upstream timeout, 502 other
upstream failures. It never waits on an upstream longer than its timeouts.

Wiring (gateway/app.py)::

    from gateway.keys import load_or_create_keys
    from gateway.policy import load_policy
    from gateway.ratelimit import RateLimiter
    from gateway.proxy import make_guard, make_proxy, with_local_routes
    from shared.auth import TokenVerifier

    verifier = TokenVerifier(jwks_path=settings.jwks_path)      # or the ring's JWKS file
    guard = make_guard(verifier, load_policy(), RateLimiter(rate=50, burst=100),
                       on_decision=audit.record)                # async or sync callable
    proxy = make_proxy({"/credit": "http://127.0.0.1:8101/credit",   # keep the prefix
                        "/inspection": "http://127.0.0.1:8102/inspection",
                        "/casework": "http://127.0.0.1:8103/casework",
                        "/disclosure": "http://127.0.0.1:8104/disclosure",
                        "/": "http://127.0.0.1:8104/"},          # public site
                       guard=guard, max_body_bytes=10 << 20, timeout=30)
    local = FastAPI(...)   # /oauth/token (gateway.tokens.token_response), /.well-known/jwks.json,
                           # /healthz, /metrics, merged /openapi.json
    app = with_local_routes(local, ["/oauth/", "/.well-known/", "/healthz", "/readyz",
                                    "/metrics", "/openapi.json", "/docs"], proxy)

The target URL is `base_url + path[len(prefix):]`: a base URL ending in the prefix keeps
it (`"/credit": ".../credit"`), a bare host strips it. `Proxy` handles ASGI lifespan itself
when it is the top-level app; otherwise call `await proxy.aclose()` on shutdown.
"""

from __future__ import annotations

import inspect
import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from gateway.policy import Policy
from gateway.ratelimit import RateLimiter
from shared.auth import (
    PUBLIC,
    InvalidToken,
    Principal,
    TokenVerifier,
    Unauthenticated,
    bearer_token,
)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

# RFC 9110 section 7.6.1 hop-by-hop fields, plus the non-standard ones still seen.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
     "trailer", "trailers", "transfer-encoding", "upgrade", "proxy-connection"}
)
_REQUEST_DROP = HOP_BY_HOP | {"host", "content-length", "x-forwarded-for", "x-forwarded-host",
                              "x-forwarded-proto", "forwarded"}
_RESPONSE_DROP = {h.encode() for h in HOP_BY_HOP | {"server", "date"}}
_BUFFER_LIMIT = 64 * 1024  # bodies up to this size (with a Content-Length) are sent in one piece
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}\Z")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


@dataclass
class Rejection:
    """A guard's refusal, answered as problem+json."""

    status: int
    detail: str
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


Guard = Callable[[Scope, CIMultiDict], Awaitable[Rejection | None]]


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


class Proxy:
    def __init__(self, upstreams: dict[str, str], *, guard: Guard | None = None,
                 max_body_bytes: int = 10 * 1024 * 1024, connect_timeout: float = 2.0,
                 timeout: float = 30.0, pool_size: int = 200, keepalive_timeout: float = 30.0):
        if not upstreams:
            raise ValueError("no upstreams")
        for prefix in upstreams:
            if not prefix.startswith("/"):
                raise ValueError(f"upstream prefix must start with '/': {prefix}")
        # Longest prefix first so "/credit" wins over "/".
        self._routes = sorted(((p.rstrip("/") or "/", u.rstrip("/")) for p, u in upstreams.items()),
                              key=lambda r: -len(r[0]))
        self.guard = guard
        self.max_body_bytes = max_body_bytes
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout,
                                              sock_read=timeout)
        self._pool_size = pool_size
        self._keepalive = keepalive_timeout
        self._session: aiohttp.ClientSession | None = None

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0,
                                             keepalive_timeout=self._keepalive, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout, auto_decompress=False,
                # The caller's own headers only: no added UA, encoding or content type.
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def upstream_for(self, path: str) -> str | None:
        for prefix, base in self._routes:
            if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
                suffix = path if prefix == "/" else path[len(prefix):]
                return base + suffix if suffix else base
        return None

    # -- ASGI --------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            raise RuntimeError(f"unsupported scope {scope['type']}")
        headers = CIMultiDict((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"])
        rid = headers.get("x-request-id", "")
        if not _REQUEST_ID.match(rid):
            rid = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        path = scope["path"]

        async def problem(status: int, detail: str, **kw: Any) -> None:
            body, hdrs = problem_response(status, detail, instance=path, request_id=rid, **kw)
            await send({"type": "http.response.start", "status": status, "headers": hdrs})
            await send({"type": "http.response.body", "body": body})

        target = self.upstream_for(path)
        if target is None:
            await problem(404, f"No service serves {path}")
            return
        if self.guard is not None:
            rejection = await self.guard(scope, headers)
            if rejection is not None:
                await problem(rejection.status, rejection.detail, headers=rejection.headers,
                              extra=rejection.extra)
                return

        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                await problem(400, "Invalid Content-Length")
                return
            if int(length) > self.max_body_bytes:
                await problem(413, f"Request body larger than {self.max_body_bytes} bytes")
                return

        out = CIMultiDict()
        connection_tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
        for k, v in headers.items():
            lk = k.lower()
            if lk not in _REQUEST_DROP and lk not in connection_tokens:
                out.add(k, v)
        out["X-Request-Id"] = rid
        client = scope.get("client")
        prior = headers.get("x-forwarded-for")
        if client:
            out["X-Forwarded-For"] = f"{prior}, {client[0]}" if prior else client[0]
        if "host" in headers:
            out["X-Forwarded-Host"] = headers["host"]
        out["X-Forwarded-Proto"] = scope.get("scheme", "http")

        body_state = {"too_large": False}
        data: bytes | AsyncIterator[bytes] | None
        try:
            if length is not None and int(length) <= _BUFFER_LIMIT:
                data = await self._read_all(receive, body_state)
                out["Content-Length"] = str(len(data))
            elif length is not None or "chunked" in headers.get("transfer-encoding", "").lower():
                if length is not None:
                    out["Content-Length"] = length
                data = self._stream(receive, body_state)
            else:
                data = None
        except _BodyTooLarge:
            await problem(413, f"Request body larger than {self.max_body_bytes} bytes")
            return
        except _ClientGone:
            return

        qs = scope.get("query_string", b"")
        url = URL(quote(target, safe=_PATH_SAFE) + ("?" + qs.decode("latin-1") if qs else ""),
                  encoded=True)
        try:
            async with self.session.request(scope["method"], url, headers=out, data=data,
                                            allow_redirects=False) as resp:
                await self._relay(resp, send, rid)
        except _ClientGone:
            return
        except (TimeoutError, aiohttp.ServerTimeoutError):
            await problem(504, "The service did not answer in time")
        except aiohttp.ClientConnectorError:
            await problem(503, "The service is not reachable")
        except aiohttp.ClientError as exc:
            if body_state["too_large"]:
                await problem(413, f"Request body larger than {self.max_body_bytes} bytes")
            else:
                await problem(502, f"The service failed to answer: {type(exc).__name__}")
        except _BodyTooLarge:
            await problem(413, f"Request body larger than {self.max_body_bytes} bytes")

    async def _read_all(self, receive: Receive, state: dict[str, bool]) -> bytes:
        chunks = [c async for c in self._stream(receive, state)]
        return b"".join(chunks)

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

    async def _relay(self, resp: aiohttp.ClientResponse, send: Send, rid: str) -> None:
        conn_tokens = {t.strip().lower().encode() for t in resp.headers.get("connection", "").split(",")}
        hdrs = [(k.lower(), v) for k, v in resp.raw_headers
                if k.lower() not in _RESPONSE_DROP and k.lower() not in conn_tokens]
        if not any(k == b"x-request-id" for k, _ in hdrs):
            hdrs.append((b"x-request-id", rid.encode()))
        await send({"type": "http.response.start", "status": resp.status, "headers": hdrs})
        # Past this point the status is sent: an upstream failure can only cut the body,
        # and the exception makes the server drop the connection so the client sees it.
        async for chunk in resp.content.iter_any():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _ = self.session
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


def make_proxy(upstreams: dict[str, str], **options: Any) -> Proxy:
    """Build the proxy; options as in `Proxy` (guard, max_body_bytes, timeout, ...)."""
    return Proxy(upstreams, **options)


def make_guard(verifier: TokenVerifier, policy: Policy, limiter: RateLimiter | None = None,
               on_decision: Callable[..., Any] | None = None) -> Guard:
    """Authenticate, rate-limit and authorise a request before it is forwarded.

    Sets scope["state"]["principal"] and ["decision"]; calls
    `on_decision(scope, principal, decision)` (sync or async) for the access audit.
    """

    async def guard(scope: Scope, headers: CIMultiDict) -> Rejection | None:
        state = scope.setdefault("state", {})
        try:
            token = bearer_token(headers.get("authorization"))
            principal: Principal = PUBLIC if token is None else await verifier.verify_async(token)
        except (InvalidToken, Unauthenticated) as exc:
            reason = getattr(exc, "reason", str(exc))
            return Rejection(401, f"A valid bearer token is required: {reason}",
                             {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        state["principal"] = principal
        if limiter is not None:
            client = scope.get("client")
            key = principal.client_id or f"ip:{client[0] if client else '-'}"
            allowed, retry_after = limiter.check(key)
            if not allowed:
                return Rejection(429, "Too many requests; slow down",
                                 {"Retry-After": limiter.retry_after_header(retry_after)})
        decision = policy.decide(principal, scope["method"], scope["path"])
        state["decision"] = decision
        if on_decision is not None:
            result = on_decision(scope, principal, decision)
            if inspect.isawaitable(result):
                await result
        if decision.allowed:
            return None
        extra = {"missing": decision.missing, "policy_version": policy.version}
        if decision.route is None:
            return Rejection(404, f"No route {scope['method']} {scope['path']}", extra=extra)
        if principal.is_public:
            return Rejection(401, f"Credentials required: {decision.missing}",
                             {"WWW-Authenticate": "Bearer"}, extra)
        return Rejection(403, f"Missing permission: {decision.missing}", extra=extra)

    return guard


def with_local_routes(local_app: Callable, prefixes: Iterable[str], proxy: Proxy) -> Callable:
    """One ASGI app: paths under `prefixes` go to the gateway's own app, the rest to the proxy."""
    prefixes = tuple(prefixes)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            # The local app (FastAPI) owns lifespan; close the proxy session in its shutdown.
            await local_app(scope, receive, send)
        elif scope["path"].startswith(prefixes):
            await local_app(scope, receive, send)
        else:
            await proxy(scope, receive, send)

    return app
