"""Real faults of a real database, switched on and off by a test or a drill.

SQLite: the database file lives on a small tmpfs that is filled up (the disk is full: SQLite
answers SQLITE_FULL). PostgreSQL: the database is closed to connections and its sessions are
ended (the database is unavailable). Mounting a tmpfs needs root; elsewhere the SQLite half
says so and is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.support import _pg_admin


class DiskFull:
    def __init__(self, mount: Path) -> None:
        self.filler = mount / "filler"

    async def start(self) -> None:
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for chunk in (1 << 20, 4096, 512):
                try:
                    while True:
                        os.write(fd, b"\0" * chunk)
                except OSError:  # ENOSPC: this size no longer fits, try a smaller one
                    continue
        finally:
            os.close(fd)

    async def clear(self) -> None:
        self.filler.unlink(missing_ok=True)


class DatabaseClosed:
    def __init__(self, name: str) -> None:
        self.name = name

    async def start(self) -> None:
        await _pg_admin(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS false')
        await _pg_admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()")

    async def clear(self) -> None:
        await _pg_admin(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS true')


@asynccontextmanager
async def faultable_database(databases, service: str, size: str = "32m"):
    """A fresh database of `service` and the fault that can be switched on for it."""
    url = await databases.fresh(service)
    if databases.backend != "sqlite":
        fault = DatabaseClosed(make_url(url).database)
        try:
            yield url, fault
        finally:
            await fault.clear()
        return
    if os.geteuid() != 0:
        pytest.skip("disk-full on SQLite mounts a small tmpfs, which needs root")
    mount = Path(tempfile.mkdtemp(prefix="supfull-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], check=True)
    try:
        source = Path(make_url(url).database)
        target = mount / source.name
        shutil.copyfile(source, target)
        yield f"sqlite+aiosqlite:///{target}", DiskFull(mount)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        shutil.rmtree(mount, ignore_errors=True)
