"""Keys at rest: the log's signing key lives in a key file only the service reads, never in a
table; a rotation keeps the heads signed before verifiable; the migration moves an old key out."""

from __future__ import annotations

import asyncio
import os
import stat
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from services.disclosure.log import service as log_service
from services.disclosure.models import Base
from services.disclosure.rules.treehead import (
    TreeHead,
    generate_signing_key,
    key_id,
    load_public_key_pem,
    private_key_to_pem,
    public_key_to_pem,
    verify_tree_head,
)
from shared.migrate import alembic_config
from tests.disclosure import support as s
from tests.support import wait_for

pytestmark = pytest.mark.anyio


async def _all_stored_text(url: str) -> str:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            out = []
            for name in tables:
                out += [repr(tuple(row)) for row in (await conn.execute(text(f'SELECT * FROM "{name}"'))).all()]
            return "\n".join(out)
    finally:
        await engine.dispose()


async def _head(c, n: int) -> dict:
    async def grown():
        head = (await c.get("/public/log/tree-head")).json()
        return head if head["tree_size"] >= n else None

    return await wait_for(grown, timeout=15, what=f"log size {n}")


async def test_the_signing_key_is_in_a_private_file_and_rotation_keeps_old_heads_verifiable(
        databases, authority, nats_server, tmp_path):
    keys = tmp_path / "log-keys"
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url, log_key_dir=keys) as c:
        url = c.app.state.db.url
        await bus.send(s.result(s.uscc(), "上海密钥一有限公司"))
        first = await _head(c, 1)
        assert "PRIVATE KEY" not in await _all_stored_text(url)
        assert "signing_keys" not in Base.metadata.tables
        [pem] = [p for p in keys.iterdir() if p.suffix == ".pem"]
        assert stat.S_IMODE(pem.stat().st_mode) == 0o600 and first["key_id"] == pem.stem

        new = log_service.key_ring(keys).rotate()
        log_service.use_keys(url, keys)  # what a restart does: read the ring again
        await bus.send(s.result(s.uscc(), "上海密钥二有限公司"))
        second = await _head(c, 2)
        assert second["key_id"] == new.kid != first["key_id"]
        published = (await c.get("/public/log/key")).json()
        assert published["key_id"] == new.kid
        [old] = published["retired"]
        assert old["key_id"] == first["key_id"] and old["retired_at"]
        assert verify_tree_head(load_public_key_pem(old["public_key_pem"].encode()), TreeHead.from_dict(first))
        assert verify_tree_head(load_public_key_pem(published["public_key_pem"].encode()),
                                TreeHead.from_dict(second))


async def test_the_migration_moves_a_key_out_of_the_database(databases, tmp_path, monkeypatch):
    url = await databases.empty()
    await asyncio.to_thread(command.upgrade, alembic_config("disclosure", url), "b7587ec1ebba")
    key = generate_signing_key()
    kid = key_id(key.public_key())
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO signing_keys (name, key_id, private_pem, public_pem, created_at) "
                                    "VALUES ('tree-head', :kid, :private, :public, :at)"),
                               {"kid": kid, "private": private_key_to_pem(key).decode(),
                                "public": public_key_to_pem(key.public_key()).decode(), "at": datetime.now(UTC)})
    finally:
        await engine.dispose()
    monkeypatch.setenv("DISCLOSURE_LOG_KEY_DIR", str(tmp_path / "moved"))
    await asyncio.to_thread(command.upgrade, alembic_config("disclosure", url), "head")
    active, private_pem = log_service.key_ring(tmp_path / "moved").active()
    assert active.kid == kid and private_pem == private_key_to_pem(key)
    assert stat.S_IMODE(os.stat(tmp_path / "moved" / f"{kid}.pem").st_mode) == 0o600
    assert "PRIVATE KEY" not in await _all_stored_text(url)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            assert "signing_keys" not in await conn.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()


def test_the_cli_rotates_the_log_key_and_keeps_the_old_one_listed(tmp_path):
    from typer.testing import CliRunner

    from supervision.cli import app

    first, _ = log_service.key_ring(tmp_path).active()
    result = CliRunner().invoke(app, ["log-key", "rotate", "--key-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    active, _ = log_service.key_ring(tmp_path).active()
    listed = {k.kid: k for k in log_service.key_ring(tmp_path).public_keys()}
    assert active.kid != first.kid and active.kid in result.output
    assert listed[first.kid].retired_at and listed[active.kid].retired_at is None
