"""SQLite through aiosqlite with one trip to the connection's thread per statement.

SQLAlchemy's aiosqlite adapter makes four trips to aiosqlite's worker thread for a query
(cursor, execute, fetchall, close), each a queue put, a thread wake-up and a call back into
the event loop. Here the whole statement runs in one trip: a plain sqlite3 cursor executes,
its rows are fetched and it is closed in the worker thread, and the adapter keeps the rows,
description, rowcount and lastrowid. A commit or rollback with no transaction open (the pool's
reset after every commit, a session that only read) makes no trip at all. Same connection, same
thread, same transactions; only the number of trips changes. Pass `module=one_trip_dbapi()` to
`create_async_engine`.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_


class _Outcome:
    """What SQLAlchemy reads off a cursor once the statement ran (the sqlite3 cursor is closed)."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self) -> None:
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1


def _execute(conn: sqlite3.Connection, operation: str, parameters: Any) -> tuple[Any, list | None, int, int | None]:
    # Runs in aiosqlite's worker thread.
    cur = conn.cursor()
    try:
        cur.execute(operation) if parameters is None else cur.execute(operation, parameters)
        description = cur.description
        rows = cur.fetchall() if description else None
        return description, rows, cur.rowcount, cur.lastrowid
    finally:
        cur.close()


def _executemany(conn: sqlite3.Connection, operation: str, seq_of_parameters: Any) -> int:
    cur = conn.cursor()
    try:
        cur.executemany(operation, seq_of_parameters)
        return cur.rowcount
    finally:
        cur.close()


class _OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No aiosqlite cursor (that would be a trip of its own): each execute makes and closes one.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Outcome()  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        async with self._adapt_connection._execute_mutex:
            conn = self._connection
            description, rows, rowcount, lastrowid = await conn._execute(_execute, conn._conn, operation, parameters)
        out = self._cursor
        out.description, out.rowcount, out.lastrowid = description, rowcount, lastrowid  # type: ignore[misc]
        self._rows = collections.deque(rows) if rows is not None else collections.deque()

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        async with self._adapt_connection._execute_mutex:
            conn = self._connection
            rowcount = await conn._execute(_executemany, conn._conn, operation, seq_of_parameters)
        out = self._cursor
        out.description, out.rowcount, out.lastrowid = None, rowcount, None  # type: ignore[misc]
        self._rows = collections.deque()

    async def _async_soft_close(self) -> None:
        return  # nothing left open in the worker thread

    def close(self) -> None:
        self._rows.clear()


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _OneTripCursor

    def _idle(self) -> bool:
        # sqlite3 itself does nothing on commit or rollback outside a transaction, so neither do we:
        # no trip for the pool's rollback after a commit, nor for a session that only read.
        # Nothing else uses the connection meanwhile (it is this session's, or on its way back to the pool).
        conn = self._connection._connection
        return conn is not None and not conn.in_transaction

    def rollback(self) -> None:
        if not self._idle():
            super().rollback()

    def commit(self) -> None:
        if not self._idle():
            super().commit()


class _Dbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> _Connection:
        creator_fn = kw.pop("async_creator_fn", None)
        connection = creator_fn(*arg, **kw) if creator_fn else self.aiosqlite.connect(*arg, **kw)
        if not creator_fn:
            connection._thread.daemon = True  # as SQLAlchemy does: a forgotten connection never blocks exit
        return _Connection(self, await_(connection))


def one_trip_dbapi() -> _Dbapi:
    return _Dbapi(aiosqlite, sqlite3)
