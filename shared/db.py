"""Async SQLAlchemy plumbing: one `Database` per service, the same code on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy import BigInteger, Integer, MetaData, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from shared.db_sqlite import one_trip_dbapi

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite's durability level (benchmarks may lower it to measure its cost; services never do).
SQLITE_SYNCHRONOUS = "FULL"

# Autoincrementing 64-bit key that SQLite also autoincrements (it only does so for INTEGER).
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kw: Any) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(url, connect_args={"timeout": 30}, module=one_trip_dbapi(), **kw)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            # WAL lets readers run beside the single writer. FULL syncs the WAL at every commit: with
            # NORMAL a commit survives a crash of the process but not of the machine (power cut, OS
            # crash), and an acknowledged decision must survive both. Cost: bench/README.md.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 20)
    kw.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kw)


class Database:
    """Engine, session factory, and the outbox wake-up hook of one service."""

    def __init__(self, url: str, *, service: str, outbox_table: Any = None, inbox_table: Any = None) -> None:
        self.url = url
        self.service = service
        self.engine = make_engine(url)
        self.outbox_table = outbox_table
        self.inbox_table = inbox_table
        self._outbox_listeners: list[Callable[[list[Any] | None], None]] = []
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, info={"database": self})

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def on_outbox_commit(self, callback: Callable[[list[Any] | None], None]) -> None:
        self._outbox_listeners.append(callback)

    def notify_outbox(self, rows: list[Any] | None = None) -> None:
        """Outbox rows were committed: `rows` as written by add_event, or None when not all are known."""
        for cb in self._outbox_listeners:
            cb(rows)

    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as s:
            yield s

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


@event.listens_for(Session, "after_commit")
def _wake_relay_after_commit(session: Session) -> None:
    # The relay publishes right after the business transaction commits, not at its next poll.
    # `outbox_rows`: rows add_event wrote; `outbox_pending`: rows written otherwise (the relay reads them).
    rows = session.info.pop("outbox_rows", None)
    if session.info.pop("outbox_pending", False):
        rows = None
    elif rows is None:
        return
    db = session.info.get("database")
    if db is not None:
        db.notify_outbox(rows)


@event.listens_for(Session, "after_soft_rollback")
def _read_back_after_a_savepoint_rollback(session: Session, previous_transaction: Any) -> None:
    # Rows written before the savepoint stand, some add_event wrote may have gone with it: the
    # relay reads what is left when the transaction commits.
    if previous_transaction.nested and session.info.pop("outbox_rows", None) is not None:
        session.info["outbox_pending"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted_events(session: Session, transaction: Any) -> None:
    # The session's own transaction ended: a commit has handed its rows over already; otherwise
    # (rollback, close) they were never written.
    if transaction.parent is None:
        session.info.pop("outbox_pending", None)
        session.info.pop("outbox_rows", None)
