"""Per-service Alembic migrations: own history (`<pkg>/migrations`), own version table.

Each service's `migrations/env.py` calls `run_env(metadata, service)`. The same scripts run
on SQLite (batch mode) and PostgreSQL. `upgrade_to_head` is synchronous and safe to call
from inside a running event loop (it then runs in a worker thread).
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool, text
from sqlalchemy.ext.asyncio import AsyncConnection, async_engine_from_config

SERVICES = ("credit", "inspection", "casework", "disclosure", "coordination", "gateway")


def version_table(service: str) -> str:
    return f"alembic_version_{service}"


def migrations_dir(service: str) -> Path:
    module = "gateway" if service == "gateway" else f"services.{service}"
    pkg = importlib.import_module(module)
    return Path(pkg.__file__).parent / "migrations"


def alembic_config(service: str, database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir(service)))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.attributes["service"] = service
    return cfg


def _run_in_thread_if_loop(fn, *args) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        fn(*args)
        return
    errors: list[BaseException] = []

    def target() -> None:
        try:
            fn(*args)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if errors:
        raise errors[0]


def upgrade_to_head(service: str, database_url: str) -> None:
    _run_in_thread_if_loop(command.upgrade, alembic_config(service, database_url), "head")


def head_revisions(service: str) -> set[str]:
    script = ScriptDirectory(str(migrations_dir(service)))
    return set(script.get_heads())


async def current_revisions(conn: AsyncConnection, service: str) -> set[str]:
    def read(sync_conn) -> set[str]:
        ctx = MigrationContext.configure(sync_conn, opts={"version_table": version_table(service)})
        return set(ctx.get_current_heads())

    return await conn.run_sync(read)


async def at_head(engine, service: str) -> tuple[bool, str]:
    heads = head_revisions(service)
    async with engine.connect() as conn:
        current = await current_revisions(conn, service)
    if current == heads:
        return True, f"at head {','.join(sorted(heads))}"
    return False, f"database at {','.join(sorted(current)) or 'nothing'}, head is {','.join(sorted(heads))}"


def run_env(target_metadata: MetaData, service: str) -> None:
    """Body of every service's migrations/env.py."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    sqlite = url.startswith("sqlite")
    opts = dict(
        target_metadata=target_metadata,
        version_table=version_table(service),
        render_as_batch=sqlite,
        compare_type=True,
    )
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **opts)
        with context.begin_transaction():
            context.run_migrations()
        return

    def do_run(connection) -> None:
        context.configure(connection=connection, **opts)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = async_engine_from_config(
            config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
        )
        async with engine.connect() as connection:
            if sqlite:
                await connection.execute(text("PRAGMA journal_mode=WAL"))
            await connection.run_sync(do_run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(run_async())


def autogenerate_revision(service: str, message: str, scratch_url: str) -> None:
    """Write a new revision for `service` by diffing its models against a scratch database at head."""
    cfg = alembic_config(service, scratch_url)
    command.upgrade(cfg, "head")
    command.revision(cfg, message=message, autogenerate=True)
