"""The access audit queries: the public per-company summary and the auditors' full log."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from gateway.access.policy import Decision
from gateway.audit.repository import AuditRepository, LogFilters
from gateway.audit.schemas import (
    USCC_EXAMPLE,
    AccessCount,
    AuditEntryOut,
    AuditLogPage,
    SubjectAccessOut,
)
from gateway.deps import current_principal, runtime
from shared.app import problem_responses
from shared.auth import PermissionDenied, Principal, Unauthenticated
from shared.errors import Unprocessable
from shared.identifiers import InvalidIdentifier, validate_uscc
from shared.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_cursor, encode_cursor

PROTECTED = [{"oauth2": []}, {"bearerJWT": []}]
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])\Z")


async def auditor(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if principal.is_public:
        raise Unauthenticated("role auditor required")
    if not principal.has_role("auditor"):
        raise PermissionDenied("role auditor for GET /audit/log")
    return principal


def _uscc(value: str, field: str) -> str:
    try:
        return validate_uscc(value)
    except InvalidIdentifier as exc:
        raise Unprocessable.field(field, exc.rule, exc.message) from None


def audit_router() -> APIRouter:
    router = APIRouter(prefix="/audit", tags=["audit"])

    @router.get(
        "/subjects/{uscc}/access",
        summary="Who looked at a company's data",
        description="Public. Counts of the calls that read or changed data about this market participant, by "
                    "month, department and purpose (the kind of access). No client ids, secrets or "
                    "personal names: only which authority looked, why, and how often.",
        response_model=SubjectAccessOut,
        responses=problem_responses(422, 429),
    )
    async def subject_access(
        request: Request,
        uscc: Annotated[str, Path(description="unified social credit code", examples=[USCC_EXAMPLE])],
        since: Annotated[str | None, Query(description="first month to include, YYYY-MM", examples=["2026-01"])] = None,
    ) -> SubjectAccessOut:
        code = _uscc(uscc, "path.uscc")
        if since is not None and not _MONTH.match(since):
            raise Unprocessable.field("query.since", "month.format", "a month is written YYYY-MM")
        rt = runtime(request)
        assert rt.audit.db is not None
        async with rt.audit.db.sessionmaker() as session:
            rows = await AuditRepository(session).subject_access(code, since)
        items = []
        for month, dept, purpose, count in rows:
            zh, en = rt.department_names(dept)
            items.append(AccessCount(month=month, department=dept, department_name=zh, department_name_en=en,
                                     purpose=purpose, purpose_description=rt.policy.purposes.get(purpose or ""),
                                     count=count))
        return SubjectAccessOut(uscc=code, total=sum(i.count for i in items), items=items)

    @router.get(
        "/log",
        summary="The full access log (auditors)",
        description="Every audited call, newest first, with who (department, client, roles), what (method, "
                    "path, route, purpose), which companies, the outcome and the policy rule. Needs the "
                    "auditor role. Cursor paging: pass `next_cursor` back as `cursor`.",
        response_model=AuditLogPage,
        responses=problem_responses(401, 403, 422, 429),
        openapi_extra={"security": PROTECTED},
    )
    async def audit_log(
        request: Request,
        principal: Annotated[Principal, Depends(auditor)],
        department: Annotated[str | None, Query(max_length=32, examples=["scjgj"])] = None,
        client_id: Annotated[str | None, Query(max_length=64)] = None,
        uscc: Annotated[str | None, Query(description="calls that named this company", examples=[USCC_EXAMPLE])] = None,
        purpose: Annotated[str | None, Query(max_length=64, examples=["credit.read"])] = None,
        method: Annotated[str | None, Query(pattern="^(GET|HEAD|POST|PUT|PATCH|DELETE)$")] = None,
        status: Annotated[int | None, Query(ge=100, le=599)] = None,
        allowed: Annotated[bool | None, Query(description="true: granted by the policy; false: refused")] = None,
        since: Annotated[datetime | None, Query(description="from this instant (inclusive)")] = None,
        until: Annotated[datetime | None, Query(description="before this instant")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"page size, at most {MAX_PAGE_SIZE}")] = DEFAULT_PAGE_SIZE,
        cursor: Annotated[str | None, Query(description="opaque cursor from the previous page's `next_cursor`")] = None,
    ) -> AuditLogPage:
        position = decode_cursor(cursor)
        before = position.get("id") if position else None
        if before is not None and not isinstance(before, str):
            raise Unprocessable.field("cursor", "cursor.opaque", "not a cursor this API issued; start again without it")
        filters = LogFilters(department=department, client_id=client_id,
                             uscc=_uscc(uscc, "query.uscc") if uscc else None, purpose=purpose, method=method,
                             status=status, allowed=allowed, since=_utc(since), until=_utc(until))
        rt = runtime(request)
        assert rt.audit.db is not None
        async with rt.audit.db.sessionmaker() as session:
            rows = await AuditRepository(session).log_page(filters, limit + 1, before)
        more = len(rows) > limit
        rows = rows[:limit]
        # Reading the log is itself an access to the companies it names: audit it too.
        rt.audit.record((time.time(), principal, "GET", request.url.path, request.url.query.encode(),
                         LOG_READ, 200, request.headers.get("x-request-id", "").encode(), 0.0, b"",
                         (" ".join(r.subjects for r in rows).encode(),)))
        return AuditLogPage(items=[_entry(r) for r in rows],
                            next_cursor=encode_cursor({"id": rows[-1].id}) if more and rows else None)

    return router


LOG_READ = Decision(True, "auditor-log", "", "/audit/log", "audit.log")


def _utc(value: datetime | None) -> datetime | None:
    # Stored instants are UTC (SQLite keeps no zone): compare in UTC.
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _entry(r: Any) -> AuditEntryOut:
    return AuditEntryOut(
        id=r.id, at=_utc(r.at), kind=r.kind, department=r.department, client_id=r.client_id,
        roles=r.roles.split() if r.roles else [], method=r.method, path=r.path, query=r.query, route=r.route,
        purpose=r.purpose, rule_id=r.rule_id, policy_version=r.policy_version, allowed=r.allowed,
        status=r.status, subjects=r.subjects.split() if r.subjects else [], request_id=r.request_id,
        duration_ms=r.duration_ms,
    )
