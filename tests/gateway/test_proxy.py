"""gateway.proxy against a real upstream (aiohttp web server on a free loopback port)."""

import asyncio
import socket

import httpx
import pytest
from aiohttp import web

from gateway.access.guard import make_guard
from gateway.access.policy import load_policy
from gateway.access.ratelimit import RateLimiter
from gateway.identity.clients import ClientRegistry, MemoryClientStore
from gateway.identity.keys import load_or_create_keys, write_jwks_file
from gateway.identity.tokens import TokenIssuer
from gateway.proxy.forward import make_proxy
from shared.auth import TokenVerifier


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def _echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {"method": request.method, "path": request.path, "raw": request.raw_path,
         "headers": {k.lower(): v for k, v in request.headers.items()}, "size": len(body),
         "body_head": body[:20].decode("latin-1")},
        status=201 if request.method == "POST" else 200, headers={"X-Upstream": "yes"})


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(3)
    return web.Response(text="late")


@pytest.fixture
async def upstream():
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/slow", _slow)
    app.router.add_route("*", "/{tail:.*}", _echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


async def _client(proxy):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=proxy), base_url="http://gw")


@pytest.mark.anyio
async def test_forwards_method_path_query_body_and_headers(upstream):
    proxy = make_proxy({"/credit": f"{upstream}/credit", "/": f"{upstream}/"})
    try:
        async with await _client(proxy) as c:
            r = await c.post("/credit/records?page=2&q=%E4%B8%8A", content=b"x" * 100,
                             headers={"Authorization": "Bearer tok", "traceparent": "00-abc-def-01",
                                      "Connection": "keep-alive, x-private-hop", "x-private-hop": "1",
                                      "Keep-Alive": "timeout=5"})
            assert r.status_code == 201 and r.headers["x-upstream"] == "yes"
            seen = r.json()
            assert seen["raw"] == "/credit/records?page=2&q=%E4%B8%8A"
            assert seen["size"] == 100
            h = seen["headers"]
            assert h["authorization"] == "Bearer tok"  # forwarded unchanged, re-verified upstream
            assert h["traceparent"] == "00-abc-def-01"
            assert "x-private-hop" not in h and "keep-alive" not in h
            assert h["x-request-id"] == r.headers["x-request-id"]
            assert h["x-forwarded-host"] == "gw" and h["x-forwarded-for"]
            site = await c.get("/public/index.html", headers={"X-Request-Id": "req-42"})
            assert site.json()["path"] == "/public/index.html"
            assert site.headers["x-request-id"] == "req-42"
    finally:
        await proxy.aclose()


@pytest.mark.anyio
async def test_prefix_stripped_when_base_url_has_no_path(upstream):
    proxy = make_proxy({"/inspection": upstream})
    try:
        async with await _client(proxy) as c:
            assert (await c.get("/inspection/plans/p1")).json()["path"] == "/plans/p1"
            missing = await c.get("/other")
            assert missing.status_code == 404
            assert missing.headers["content-type"] == "application/problem+json"
    finally:
        await proxy.aclose()


@pytest.mark.anyio
async def test_large_streamed_body_arrives_intact(upstream):
    proxy = make_proxy({"/": upstream}, max_body_bytes=4 * 1024 * 1024)

    async def chunks():
        for _ in range(32):
            yield b"y" * 65536

    try:
        async with await _client(proxy) as c:
            r = await c.post("/casework/cases/c1/evidence", content=chunks())
            assert r.json()["size"] == 32 * 65536
            r = await c.post("/casework/cases/c1/evidence", content=b"z" * 300_000)
            assert r.json()["size"] == 300_000
    finally:
        await proxy.aclose()


@pytest.mark.anyio
async def test_body_over_limit_is_413(upstream):
    proxy = make_proxy({"/": upstream}, max_body_bytes=1000)

    async def chunks():
        for _ in range(10):
            yield b"y" * 500

    try:
        async with await _client(proxy) as c:
            r = await c.post("/credit/records", content=b"x" * 1001)
            assert r.status_code == 413
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["status"] == 413 and r.json()["title"] == "Request Entity Too Large"
            streamed = await c.post("/credit/records", content=chunks())
            assert streamed.status_code == 413
            assert (await c.post("/credit/records", content=b"x" * 1000)).status_code == 201
    finally:
        await proxy.aclose()


@pytest.mark.anyio
async def test_refused_upstream_is_503():
    proxy = make_proxy({"/": f"http://127.0.0.1:{_closed_port()}"})
    try:
        async with await _client(proxy) as c:
            r = await c.get("/credit/subjects")
            assert r.status_code == 503
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["request_id"] == r.headers["x-request-id"]
    finally:
        await proxy.aclose()


@pytest.mark.anyio
async def test_slow_upstream_is_504_without_hanging(upstream):
    proxy = make_proxy({"/": upstream}, timeout=0.3)
    loop = asyncio.get_running_loop()
    try:
        async with await _client(proxy) as c:
            start = loop.time()
            r = await c.get("/slow")
            assert r.status_code == 504 and loop.time() - start < 2
            assert r.json()["title"] == "Gateway Timeout"
    finally:
        await proxy.aclose()


@pytest.mark.anyio
async def test_guard_authenticates_authorises_and_rate_limits(upstream, tmp_path):
    ring = load_or_create_keys(tmp_path / "keys")
    write_jwks_file(ring, tmp_path / "jwks.json")
    registry = ClientRegistry(MemoryClientStore())
    inspector = registry.get(registry.create_client("scjgj", ["inspector"])[0])
    token, _ = TokenIssuer(ring).issue_token(inspector)
    audited = []
    guard = make_guard(TokenVerifier(jwks_path=tmp_path / "jwks.json"), load_policy(),
                       RateLimiter(rate=0.01, burst=2),
                       on_decision=lambda scope, p, d: audited.append((p.kind, d.allowed)))
    proxy = make_proxy({"/credit": f"{upstream}/credit", "/": f"{upstream}/"}, guard=guard)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        async with await _client(proxy) as c:
            ok = await c.get("/credit/subjects/91110000600037341L", headers=auth)
            assert ok.status_code == 200
            assert ok.json()["headers"]["authorization"] == f"Bearer {token}"
            denied = await c.post("/credit/subjects", headers=auth, json={})
            assert denied.status_code == 403
            assert denied.json()["missing"] == "role credit_officer for POST /credit/subjects"
            anonymous = await c.get("/credit/subjects")
            assert anonymous.status_code == 401
            forged = await c.get("/credit/subjects", headers={"Authorization": "Bearer x.y.z"})
            assert forged.status_code == 401
            limited = await c.get("/credit/subjects", headers=auth)
            assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    finally:
        await proxy.aclose()
    assert audited == [("department", True), ("department", False), ("public", False)]
