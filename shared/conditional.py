"""Conditional GETs for every route of a service: ETag, Cache-Control and 304 (RFC 9110 §13).

Lists and computed views (a subject's records, grade, measures; plans) change whenever anything
behind them does, so the tag is the hash of the answer itself: the same bytes, the same tag,
whatever produced them. A route that sets its own ETag or Cache-Control keeps it (disclosure's
public pages say `public`). Otherwise the answer is a department's data: only the caller's own
client may keep it (`private`) and must ask again each time (`no-cache`), which then costs the
caller nothing but a 304 when nothing changed. Answers too large to hold are sent as they come,
without a tag.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from shared.paging import etag_for

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]

DEFAULT_CACHE_CONTROL = b"private, no-cache"
# Headers a 304 carries (RFC 9110 §15.4.5); the body's own headers go with the body.
_BODY_HEADERS = {b"content-length", b"content-type", b"content-encoding", b"transfer-encoding"}


def matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison, as If-None-Match uses: `W/"x"` matches `"x"`, `*` matches anything."""
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag.removeprefix("W/") in tags


def with_cache_control(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    present = {k.lower() for k, _ in headers}
    if b"cache-control" in present:
        return headers
    return [*headers, (b"cache-control", DEFAULT_CACHE_CONTROL), *([] if b"vary" in present else [(b"vary", b"Authorization")])]


async def send_not_modified(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": 304,
                "headers": [(k, v) for k, v in headers if k.lower() not in _BODY_HEADERS]})
    await send({"type": "http.response.body", "body": b""})


class ConditionalGetMiddleware:
    def __init__(self, app: Callable, max_bytes: int = 8 * 1024 * 1024) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: MutableMapping[str, Any], receive: Callable, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope.get("headers") or [])
        if_none_match = request_headers.get(b"if-none-match", b"").decode("latin-1") or None
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        mode = "hold"  # hold the body to tag it; "pass" it on as it comes; "drop" it after a 304

        async def conditional(message: Message) -> None:
            nonlocal start, size, mode
            if mode == "pass":
                await send(message)
                return
            if mode == "drop":
                return
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                etag = {k.lower(): v for k, v in headers}.get(b"etag")
                if message["status"] != 200:
                    mode = "pass"
                    await send(message)
                elif etag is not None:  # the route's own tag: decide now, without holding the body
                    headers = with_cache_control(headers)
                    if matches(if_none_match, etag.decode("latin-1")):
                        mode = "drop"
                        await send_not_modified(send, headers)
                    else:
                        mode = "pass"
                        await send({**message, "headers": headers})
                else:
                    start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if message.get("more_body", False):
                if size > self.max_bytes:  # too large to hold: on its way as it is
                    mode = "pass"
                    await send(start)
                    await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                return
            body = b"".join(chunks)
            etag = etag_for(body)
            headers = with_cache_control([*(start.get("headers") or []), (b"etag", etag.encode("latin-1"))])
            if matches(if_none_match, etag):
                await send_not_modified(send, headers)
                return
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, conditional)
