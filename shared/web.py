"""FastAPI dependencies every service uses: the request's session and the caller's principal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared import auth
from shared.auth import Principal
from shared.errors import Forbidden
from shared.idempotency import claim_key, idempotency_key
from shared.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; the route commits (services never do), anything else rolls back.

    A POST carrying `Idempotency-Key` registers the key in this same session first, so the key
    and the change commit together (see shared.idempotency)."""
    async with request.app.state.db.sessionmaker() as session:
        table = getattr(request.app.state, "idempotency_table", None)
        if table is not None and (key := idempotency_key(request)) is not None:
            principal = await current_principal(request)
            await claim_key(session, request, table, principal.client_id or "public", key)
        yield session


async def begin_snapshot(session: AsyncSession) -> None:
    """Make every statement of this session's transaction see one snapshot of the database.

    PostgreSQL's default (read committed) gives each statement its own snapshot, so a page built
    from several queries could mix data from before and after a concurrent commit (a subject's
    lists from after, its grade from before). REPEATABLE READ fixes the snapshot at the first
    statement; on SQLite (WAL) an explicit BEGIN does the same. For reads only: a write in such
    a transaction could fail with a serialization error."""
    if session.bind.dialect.name == "postgresql":
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    else:
        await session.execute(text("BEGIN"))


async def get_snapshot_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per read-only request, reading one consistent snapshot (see begin_snapshot)."""
    async with request.app.state.db.sessionmaker() as session:
        await begin_snapshot(session)
        yield session


async def current_principal(request: Request) -> Principal:
    return await request.app.state.principal_dependency(request)


SessionDep = Annotated[AsyncSession, Depends(get_session)]
SnapshotSessionDep = Annotated[AsyncSession, Depends(get_snapshot_session)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str) -> Any:
    return Depends(auth.require_roles(*roles, principal=current_principal))


def department_of(principal: Principal) -> str:
    if principal.is_public or not principal.department:
        raise Forbidden("this action needs a department credential")
    return principal.department


PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"page size, at most {MAX_PAGE_SIZE}")]
Cursor = Annotated[str | None, Query(description="opaque cursor from the previous page's `next_cursor`")]
DEFAULT_LIMIT = DEFAULT_PAGE_SIZE
