"""The edge of the platform: who the caller really is, what every answer says about itself, and
how long a connection may take to say what it wants.

- `client_address`: X-Forwarded-For counts only when the TCP peer is a configured proxy
  (GATEWAY_TRUSTED_PROXIES); anyone else could write any address there and dodge the per-address
  rate limit. uvicorn's own proxy-header handling is switched off (`--no-proxy-headers`).
- `security_headers`: CSP (scripts only from the gateway itself or the hashed inline boot script
  of the docs page), nosniff, no framing, no referrer, on every page and API answer.
- `EdgeHttpProtocol`: uvicorn's protocol with a header-read timeout, so a connection that opens
  and never finishes its request line and headers (slowloris) is closed instead of held.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import ipaddress
import os
import re
from collections.abc import Iterable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway.docs.routes import SWAGGER_PAGE

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(values: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


def client_address(scope: dict[str, Any], networks: tuple[Network, ...]) -> str:
    """The caller's address: the TCP peer, or, behind a trusted proxy, the last address in
    X-Forwarded-For that no trusted proxy wrote (RFC 7239 §5.2's right-to-left reading)."""
    client = scope.get("client")
    peer = client[0] if client else "-"
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = b",".join(v for k, v in scope.get("headers") or () if k == b"x-forwarded-for")
    hops = [h.strip() for h in forwarded.decode("latin-1").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop if _is_address(hop) else peer
    return hops[0] if hops and _is_address(hops[0]) else peer


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def _script_hashes(*pages: str) -> list[str]:
    scripts = [s for page in pages for s in re.findall(r"<script>(.*?)</script>", page, re.DOTALL)]
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts]


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' " + " ".join(_script_hashes(SWAGGER_PAGE)),
    "style-src 'self' 'unsafe-inline'",  # the site's and docs' own inline styles; no script can hide there
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
_OURS = frozenset(k for k, _ in SECURITY_HEADERS)


def with_security_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The answer's headers with ours in place of any upstream's own."""
    return [(k, v) for k, v in headers if k.lower() not in _OURS] + list(SECURITY_HEADERS)


class EdgeHttpProtocol(HttpToolsProtocol):
    """A request's line and headers must arrive within GATEWAY_HEADER_READ_TIMEOUT seconds of
    the connection opening (or of the request's first byte on a kept-alive connection)."""

    header_read_timeout = float(os.environ.get("GATEWAY_HEADER_READ_TIMEOUT", "10"))

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_read_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


# How the gateway is served (embedded run, docker-compose, tests alike): no uvicorn proxy-header
# rewriting (the gateway decides whom to believe), the header-read timeout, a short idle timeout.
IDLE_TIMEOUT_SECONDS = 5


def uvicorn_options(header_read_timeout: float | None = None) -> dict[str, Any]:
    protocol: type[EdgeHttpProtocol] = EdgeHttpProtocol
    if header_read_timeout is not None:
        protocol = type("EdgeHttpProtocol", (EdgeHttpProtocol,), {"header_read_timeout": header_read_timeout})
    return {"proxy_headers": False, "http": protocol, "timeout_keep_alive": IDLE_TIMEOUT_SECONDS}


def uvicorn_flags() -> list[str]:
    """The same options as uvicorn command-line flags."""
    return ["--no-proxy-headers", "--http", f"{__name__}:EdgeHttpProtocol",
            "--timeout-keep-alive", str(IDLE_TIMEOUT_SECONDS)]
