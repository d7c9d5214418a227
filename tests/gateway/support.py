"""Gateway test plumbing: settings on a temporary key dir, real uvicorn servers, a stub upstream."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from aiohttp import web

from gateway.app import create_app
from gateway.identity.clients import Client
from gateway.settings import GatewaySettings
from tests.support import free_port

SUBJECT = "91310000MA1FL8TQ10"  # valid USCC (the credit service's own example)
OTHER = "91110000600037341L"
# argon2 with small parameters: the same code path, a fraction of the time.
FAST_HASH = {"secret_hash_time_cost": 1, "secret_hash_memory_kib": 8192, "secret_hash_parallelism": 1}


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def gateway_settings(tmp_path: Path, audit_url: str | None = None, **overrides: Any) -> GatewaySettings:
    down = f"http://127.0.0.1:{closed_port()}"
    values: dict[str, Any] = {
        "key_dir": tmp_path / "keys", "clients_file": tmp_path / "keys" / "clients.json",
        "audit_database_url": audit_url or f"sqlite+aiosqlite:///{tmp_path}/gateway.db",
        "migrate_on_start": audit_url is None, "log_json": False,
        "credit_url": down, "inspection_url": down, "casework_url": down, "disclosure_url": down,
        **FAST_HASH,
    }
    values.update(overrides)
    return GatewaySettings(**values)


def mint(app: Any, department: str, *roles: str, kind: str = "department", client_id: str | None = None) -> dict[str, str]:
    """Bearer headers for a token the gateway itself signs (no secret round trip)."""
    client = Client(client_id=client_id or f"{department}-test-{'-'.join(roles) or kind}", department=department,
                    roles=tuple(roles), kind=kind, scopes=(), secret_hash="", created_at="")
    token, _ = app.runtime.issuer.issue_token(client)
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def gateway_client(settings: GatewaySettings, client_ip: str = "127.0.0.1"):
    """The gateway in-process (its lifespan running) and an httpx client talking ASGI to it."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(client_ip, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


class ServerThread:
    """A real uvicorn server (uvloop + httptools) on a free loopback port, in its own thread."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.port = port or free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    loop="uvloop", http="httptools", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@contextmanager
def serving(app: Any):
    server = ServerThread(app).start()
    try:
        yield server
    finally:
        server.stop()


async def _echo(request: web.Request) -> web.Response:
    if "slow" in request.query:
        await asyncio.sleep(5)
    body = await request.read()
    status = int(request.query.get("status", "200"))
    return web.json_response({"method": request.method, "path": request.path, "size": len(body),
                              "authorization": request.headers.get("authorization")}, status=status)


@asynccontextmanager
async def stub_upstream():
    """An HTTP server answering every path with what it received (status from ?status=, late with ?slow)."""
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", _echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
