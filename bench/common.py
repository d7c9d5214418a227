"""Helpers shared by benchmarks: scratch databases, a private nats-server, percentiles, machine facts."""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import subprocess
import tempfile
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

from tests.support import NatsServer, _pg_admin


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def machine() -> str:
    return f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"


@asynccontextmanager
async def scratch_database(service: str, backend: str):
    """A migrated database of `service` on `backend` (sqlite | postgresql), dropped afterwards."""
    from shared.migrate import upgrade_to_head

    tmp = Path(tempfile.mkdtemp(prefix="supbench-"))
    name = None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp}/{service}.db"
    else:
        name = f"supbench_{service}_{uuid.uuid4().hex[:8]}"
        await _pg_admin(f'CREATE DATABASE "{name}"')
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    await asyncio.to_thread(upgrade_to_head, service, url)
    try:
        yield url
    finally:
        if name:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


@asynccontextmanager
async def private_nats():
    tmp = Path(tempfile.mkdtemp(prefix="supbench-nats-"))
    server = NatsServer(tmp)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def git_rev() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"
