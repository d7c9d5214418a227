"""An acknowledged write survives an OS crash: SQLite syncs every commit, the embedded NATS every write."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import text

from shared.db import make_engine
from supervision.embedded.runner import nats_server_binary, server_config

pytestmark = pytest.mark.anyio


async def test_sqlite_syncs_every_commit(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA synchronous"))).scalar_one() == 2  # FULL (NORMAL is 1)
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
    finally:
        await engine.dispose()


def test_the_embedded_nats_server_syncs_every_write(tmp_path):
    auth = tmp_path / "auth.conf"
    auth.write_text("")
    config = server_config(auth, tmp_path / "store")
    assert "sync_interval: always" in config.read_text()
    # The server itself accepts the file (-t checks a configuration and exits).
    checked = subprocess.run([str(nats_server_binary()), "-c", str(config), "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr + checked.stdout
