"""The edge: security headers on every answer, X-Forwarded-For believed only from configured
proxies, and half-open connections closed by the header-read timeout. Real uvicorn servers,
served with the options the embedded run and docker-compose use."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time

import httpx
import pytest
import uvicorn

from gateway.app import create_app
from gateway.edge import (
    client_address,
    trusted_networks,
    uvicorn_flags,
    uvicorn_options,
)
from tests.gateway.support import gateway_client, gateway_settings, stub_upstream
from tests.support import free_port

pytestmark = pytest.mark.anyio


class EdgeServer:
    def __init__(self, app, **options) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    loop="uvloop", lifespan="on", **options))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        while not self.server.started:
            assert self.thread.is_alive(), "uvicorn did not start"
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


SECURITY = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


async def test_every_page_and_api_answer_carries_the_security_headers(tmp_path):
    async with stub_upstream() as upstream:
        settings = gateway_settings(tmp_path, credit_url=upstream, disclosure_url=upstream)
        async with gateway_client(settings) as c:
            answers = [await c.get(p) for p in ("/", "/site/", "/public/records", "/healthz", "/docs",
                                                "/docs/reference", "/no/such/route", "/credit/subjects")]
    for r in answers:
        for name, value in SECURITY.items():
            assert r.headers.get(name) == value, (r.url, name, r.headers)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'sha256-" in script_src


def test_forwarded_for_counts_only_behind_a_trusted_proxy():
    proxies = trusted_networks(["10.0.0.0/8"])
    scope = {"client": ("10.1.2.3", 1), "headers": [(b"x-forwarded-for", b"6.6.6.6, 203.0.113.9, 10.9.9.9")]}
    assert client_address(scope, proxies) == "203.0.113.9"
    assert client_address({**scope, "client": ("198.51.100.7", 1)}, proxies) == "198.51.100.7"
    assert client_address(scope, ()) == "10.1.2.3"


def test_a_random_forwarded_for_does_not_escape_the_public_rate_limit(tmp_path):
    async def run() -> list[int]:
        async with stub_upstream() as upstream:
            app = create_app(gateway_settings(tmp_path, disclosure_url=upstream, rate_per_second=0.001,
                                              rate_burst=100))
            with EdgeServer(app, **uvicorn_options()) as url:
                async with httpx.AsyncClient(base_url=url) as c:
                    rng = random.Random(5)
                    statuses = []
                    for _ in range(300):
                        xff = ".".join(str(rng.randrange(1, 255)) for _ in range(4))
                        statuses.append((await c.get("/public/records", headers={"X-Forwarded-For": xff})).status_code)
                    return statuses

    statuses = asyncio.run(run())
    assert statuses.count(429) == 200 and statuses[:100].count(429) == 0


def test_half_open_connections_are_closed_by_the_header_read_timeout(tmp_path):
    app = create_app(gateway_settings(tmp_path))
    with EdgeServer(app, **uvicorn_options(header_read_timeout=0.5)) as url:
        port = int(url.rsplit(":", 1)[1])
        conns = []
        for _ in range(400):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # headers never finished
            s.settimeout(20)
            conns.append(s)
        closed = 0
        for s in conns:
            try:
                closed += s.recv(1) == b""
            except (ConnectionResetError, TimeoutError):
                pass
            finally:
                s.close()
        with socket.create_connection(("127.0.0.1", port)) as ok:  # the server still answers whole requests
            ok.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert ok.recv(12) == b"HTTP/1.1 200"
    assert closed == 400


def test_the_embedded_run_and_compose_serve_the_gateway_with_these_options():
    from pathlib import Path

    compose = (Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text()
    flags = uvicorn_flags()
    assert "--no-proxy-headers" in flags and "gateway.edge:EdgeHttpProtocol" in flags
    assert "gateway.edge:EdgeHttpProtocol" in compose
