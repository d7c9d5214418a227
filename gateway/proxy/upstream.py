"""A small HTTP/1.1 client for the gateway's hot path: keep-alive pools of asyncio protocols.

Why not aiohttp or httpx: both build several objects per request (URL, header multidicts,
request/response wrappers, timers); profiled, that was most of the gateway's cost. Here a
request is one `transport.write` of bytes the proxy already holds (ASGI headers are bytes),
and the response is parsed by httptools (the parser uvicorn itself uses) straight into a
list of byte pairs that ASGI accepts as they are.

Scope, on purpose: HTTP/1.1 to our own services, one request at a time per connection, no
redirects, cookies, proxies or TLS; answers must be delimited by Content-Length or chunked
encoding (uvicorn's always are), not by closing the connection. Failures are typed so the proxy can answer them:
`UpstreamUnavailable` (refused: 503), `UpstreamTimeout` (504), `UpstreamBroken` (502).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httptools

HEAD = b"HEAD"
# Methods safe to send again when a kept-alive connection turns out to be closed by the server.
_REPLAYABLE = frozenset({b"GET", b"HEAD", b"OPTIONS", b"PUT", b"DELETE"})
_HIGH_WATER = 256 * 1024  # buffered response bytes before we stop reading from the upstream


class UpstreamError(Exception):
    pass


class UpstreamUnavailable(UpstreamError):
    """Connection refused or unreachable."""


class UpstreamTimeout(UpstreamError):
    """No connection or no bytes within the timeout."""


class UpstreamBroken(UpstreamError):
    """The upstream closed the connection or sent something that is not HTTP/1.1."""


class _StaleConnection(UpstreamBroken):
    """A reused connection closed before any response byte: safe to retry once."""


class _Connection(asyncio.Protocol):
    __slots__ = (
        "body",
        "buffered",
        "closed",
        "complete",
        "data_waiter",
        "drain_waiter",
        "error",
        "got_bytes",
        "headers",
        "headers_waiter",
        "idle_since",
        "keep_alive",
        "last_read",
        "parser",
        "paused_reading",
        "paused_writing",
        "pool",
        "skip_body",
        "status",
        "timeout",
        "timer",
        "transport",
    )

    def __init__(self, pool: UpstreamPool) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self.paused_writing = False
        self.drain_waiter: asyncio.Future | None = None
        self.timer: asyncio.TimerHandle | None = None
        # One parser for the connection's life: llhttp reads kept-alive messages one after another.
        self.parser = httptools.HttpResponseParser(self)
        self._reset()

    def _reset(self) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.buffered = 0
        self.complete = False
        self.error: UpstreamError | None = None
        self.got_bytes = False
        self.headers_waiter: asyncio.Future | None = None
        self.data_waiter: asyncio.Future | None = None
        self.paused_reading = False
        self.skip_body = False
        self.keep_alive = True

    # -- asyncio protocol -------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.got_bytes = True
        self.last_read = self.pool.loop.time()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(UpstreamBroken(f"malformed response: {exc}"))
            self.close()

    def eof_received(self) -> bool:
        # The service half-closed: it will read nothing more, so the connection is never reused.
        self.keep_alive = False
        self.closed = True
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.complete:
            stale = not self.got_bytes and self.headers_waiter is not None
            err = _StaleConnection if stale else UpstreamBroken
            self._fail(err("the service closed the connection"))
        w = self.drain_waiter
        if w is not None and not w.done():
            w.set_result(None)

    def pause_writing(self) -> None:
        self.paused_writing = True

    def resume_writing(self) -> None:
        self.paused_writing = False
        w = self.drain_waiter
        if w is not None and not w.done():
            w.set_result(None)

    # -- httptools callbacks ----------------------------------------------------------
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()
        self.keep_alive = self.parser.should_keep_alive()
        if self.skip_body:  # a HEAD response has headers only; the connection is not reused
            self.complete = True
            self.keep_alive = False
        w = self.headers_waiter
        if w is not None and not w.done():
            w.set_result(None)

    def on_body(self, body: bytes) -> None:
        if self.skip_body:
            return
        self.body.append(body)
        self.buffered += len(body)
        if self.buffered > _HIGH_WATER and not self.paused_reading and self.transport is not None:
            self.paused_reading = True
            self.transport.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        self.complete = True
        self._wake()

    # -- helpers ----------------------------------------------------------------------
    def _wake(self) -> None:
        w = self.data_waiter
        if w is not None and not w.done():
            w.set_result(None)

    def _fail(self, error: UpstreamError) -> None:
        if self.error is None:
            self.error = error
        for w in (self.headers_waiter, self.data_waiter):
            if w is not None and not w.done():
                w.set_exception(self.error)

    def _on_timer(self) -> None:
        # Timeout between reads: re-arm while bytes keep arriving, fail once they stop.
        self.timer = None
        if self.complete or self.closed:
            return
        left = self.last_read + self.timeout - self.pool.loop.time()
        if left > 0:
            self.timer = self.pool.loop.call_later(left, self._on_timer)
            return
        self._fail(UpstreamTimeout("the service did not answer in time"))
        self.close()

    def arm(self, timeout: float) -> None:
        self.timeout = timeout
        self.last_read = self.pool.loop.time()
        self.timer = self.pool.loop.call_later(timeout, self._on_timer)

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def abandon(self) -> None:
        """Close without anyone waiting for an answer any more (no orphaned future errors)."""
        self.headers_waiter = self.data_waiter = None
        self.close()

    def close(self) -> None:
        self.disarm()
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    async def drain(self) -> None:
        if self.paused_writing and not self.closed:
            self.drain_waiter = self.pool.loop.create_future()
            await self.drain_waiter
            self.drain_waiter = None
        if self.closed and self.error is not None:
            raise self.error


class UpstreamResponse:
    __slots__ = ("_released", "conn", "headers", "status")

    def __init__(self, conn: _Connection) -> None:
        self.conn = conn
        self.status = conn.status
        self.headers = conn.headers
        self._released = False

    @property
    def complete(self) -> bool:
        """The whole body is already buffered (the common case for API answers)."""
        return self.conn.complete

    def take_body(self) -> bytes:
        """The buffered body (call when `complete`); releases the connection."""
        body = self.conn.body
        data = body[0] if len(body) == 1 else b"".join(body)
        self.release()
        return data

    async def iter_body(self) -> AsyncIterator[bytes]:
        conn = self.conn
        try:
            while True:
                if conn.body:
                    chunk = b"".join(conn.body)
                    conn.body.clear()
                    conn.buffered = 0
                    if conn.paused_reading and conn.transport is not None:
                        conn.paused_reading = False
                        conn.transport.resume_reading()
                    yield chunk
                elif conn.complete:
                    return
                elif conn.error is not None:
                    raise conn.error
                else:
                    conn.data_waiter = conn.pool.loop.create_future()
                    await conn.data_waiter
                    conn.data_waiter = None
        finally:
            self.release()

    def release(self) -> None:
        """Give the connection back (kept alive) or close it (body not fully read)."""
        if self._released:
            return
        self._released = True
        self.conn.pool._release(self.conn)


class UpstreamPool:
    """Kept-alive connections to one upstream `http://host:port`."""

    def __init__(self, base_url: str, *, connect_timeout: float = 2.0, timeout: float = 30.0,
                 max_idle: int = 200, idle_seconds: float = 4.0) -> None:
        u = urlsplit(base_url)
        if u.scheme != "http" or not u.hostname:
            raise ValueError(f"upstream must be http://host[:port], got {base_url!r}")
        self.host = u.hostname
        self.port = u.port or 80
        self.host_header = (u.netloc).encode("latin-1")
        self.connect_timeout = connect_timeout
        self.timeout = timeout
        self.max_idle = max_idle
        # Below uvicorn's 5 s keep-alive: we drop an idle connection before the server does.
        self.idle_seconds = idle_seconds
        self._idle: list[_Connection] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    async def _connect(self) -> _Connection:
        try:
            _, conn = await asyncio.wait_for(
                self.loop.create_connection(lambda: _Connection(self), self.host, self.port),
                self.connect_timeout,
            )
        except TimeoutError:
            raise UpstreamTimeout("no connection to the service within the timeout") from None
        except OSError as exc:
            raise UpstreamUnavailable(f"the service is not reachable: {exc.strerror or exc}") from None
        return conn  # type: ignore[return-value]

    def _idle_connection(self) -> _Connection | None:
        now = self.loop.time()
        idle = self._idle
        while idle:
            conn = idle.pop()
            if not conn.closed and now - conn.idle_since < self.idle_seconds:
                return conn
            conn.close()
        return None

    def _release(self, conn: _Connection) -> None:
        conn.disarm()
        # After a server error the service may be closing the connection (uvicorn does after a crash):
        # never reuse one, or an unrelated next request would be written into a closing socket.
        reusable = conn.complete and conn.keep_alive and not conn.closed and conn.status < 500 and (
            conn.transport is not None and not conn.transport.is_closing())
        if reusable and len(self._idle) < self.max_idle:
            conn._reset()
            conn.idle_since = self.loop.time()
            self._idle.append(conn)
        else:
            conn.close()

    async def request(self, method: bytes, target: bytes, headers: list[tuple[bytes, bytes]],
                      body: bytes | None = None, stream: AsyncIterator[bytes] | None = None,
                      stream_length: int | None = None) -> UpstreamResponse:
        """Send one request; returns once the status line and headers arrived.

        `body` (bytes) is sent with a Content-Length; `stream` is sent with `stream_length`
        as Content-Length, or chunked when that is None.
        """
        parts = [method, b" ", target, b" HTTP/1.1\r\nhost: ", self.host_header, b"\r\n"]
        for k, v in headers:
            parts += (k, b": ", v, b"\r\n")
        if body is not None:
            parts += (b"content-length: ", str(len(body)).encode(), b"\r\n\r\n", body)
        elif stream is not None:
            if stream_length is not None:
                parts += (b"content-length: ", str(stream_length).encode(), b"\r\n\r\n")
            else:
                parts.append(b"transfer-encoding: chunked\r\n\r\n")
        else:
            parts.append(b"\r\n")
        head = b"".join(parts)
        # A kept-alive connection the service closed as we wrote did not take the request: sent again
        # once, on a fresh connection, when doing it twice is harmless (safe method, Idempotency-Key).
        replayable = stream is None and (body is None or method in _REPLAYABLE or any(
            k.lower() == b"idempotency-key" for k, _ in headers))
        for attempt in (0, 1):
            conn = self._idle_connection() if attempt == 0 else None
            reused = conn is not None
            if conn is None:
                conn = await self._connect()
            if conn.closed or conn.transport is None or conn.transport.is_closing():
                # Found closed before a byte was written: nothing was sent, so a fresh one is always safe.
                conn.abandon()
                conn = await self._connect()
                reused = False
            try:
                return await self._exchange(conn, head, method, stream, stream_length is None)
            except _StaleConnection:
                conn.abandon()
                if attempt == 0 and reused and replayable:
                    continue
                raise UpstreamBroken("the service closed the connection") from None
            except BaseException:
                conn.abandon()
                raise
        raise AssertionError("unreachable")

    async def _exchange(self, conn: _Connection, head: bytes, method: bytes,
                        stream: AsyncIterator[bytes] | None, chunked: bool) -> UpstreamResponse:
        conn.skip_body = method == HEAD
        waiter = conn.headers_waiter = self.loop.create_future()
        transport = conn.transport
        assert transport is not None
        transport.write(head)
        if stream is not None:
            async for chunk in stream:
                if conn.error is not None:
                    raise conn.error
                if chunked:
                    if chunk:
                        transport.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
                else:
                    transport.write(chunk)
                await conn.drain()
            if chunked:
                transport.write(b"0\r\n\r\n")
        conn.arm(self.timeout)
        await waiter
        conn.headers_waiter = None
        return UpstreamResponse(conn)

    def close(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()
