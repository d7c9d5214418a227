"""Is a failure about the message, or about the world around it?

A consumer that treats a full disk like a bad message dead-letters good decisions; one that
treats a bad message like a full disk never stops retrying it. `is_transient` answers for the
exception and everything it was raised from: the database busy, locked, full, out of memory,
unreachable or restarting, a lost or timed-out connection, an I/O error. Those pass on their
own and are retried without limit; anything else is the handler refusing the message (or a
bug that a human must look at), which goes to the dead letters after a few tries.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc

# SQLite primary result codes that describe the database's state, not the statement:
# BUSY, LOCKED, NOMEM, IOERR, FULL, CANTOPEN, PROTOCOL (https://sqlite.org/rescode.html).
_SQLITE_TRANSIENT = {5, 6, 7, 10, 13, 14, 15}
# PostgreSQL SQLSTATE classes: connection exception, insufficient resources (disk full, out of
# memory, too many connections), operator intervention (shutdown, cannot connect now), system error.
_PG_TRANSIENT_CLASSES = {"08", "53", "57", "58"}
# ... and single codes: serialization failure, deadlock, lock not available, query cancelled by timeout.
_PG_TRANSIENT_CODES = {"40001", "40P01", "55P03", "57014"}
# A database closed to connections (ALTER DATABASE ... ALLOW_CONNECTIONS false) says 55000, a
# class it shares with real refusals; only its message tells them apart.
_PG_CLOSED = "not currently accepting connections"
_DEPTH = 8


def is_transient(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) is a fault of the database, disk or network."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < _DEPTH:
        if _transient_here(current):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def _transient_here(exc: BaseException) -> bool:
    if isinstance(exc, (TimeoutError, ConnectionError, sa_exc.TimeoutError, sa_exc.DisconnectionError)):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        return exc.orig is not None and _transient_here(exc.orig)
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None:
            return (code & 0xFF) in _SQLITE_TRANSIENT
        text = str(exc).lower()
        return "locked" in text or "disk is full" in text or "unable to open" in text or "disk i/o" in text
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and len(sqlstate) == 5:
        return (sqlstate[:2] in _PG_TRANSIENT_CLASSES or sqlstate in _PG_TRANSIENT_CODES
                or (sqlstate == "55000" and _PG_CLOSED in str(exc)))
    # asyncpg's lost connection (no SQLSTATE) and OSError from a refused or reset socket.
    return isinstance(exc, OSError) or type(exc).__name__ == "ConnectionDoesNotExistError"
