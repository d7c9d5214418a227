"""The gateway's own HTTP routes: the token endpoint, the key set and the access audit queries."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import JSONResponse

from gateway.audit_repository import AuditRepository, LogFilters
from gateway.policy import Decision
from gateway.runtime import GatewayRuntime
from gateway.schemas import (
    USCC_EXAMPLE,
    AccessCount,
    AuditEntryOut,
    AuditLogPage,
    JwksOut,
    OAuthErrorOut,
    SubjectAccessOut,
    TokenOut,
)
from shared.app import problem_responses
from shared.auth import (
    PermissionDenied,
    Principal,
    Unauthenticated,
    principal_dependency,
)
from shared.errors import Unprocessable
from shared.identifiers import InvalidIdentifier, validate_uscc
from shared.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_cursor, encode_cursor

TAGS = [
    {"name": "identity", "description": "OAuth2 client credentials and the public keys that verify tokens"},
    {"name": "audit", "description": "Who accessed which company's data: public summary and the auditors' full log"},
]
PROTECTED = [{"oauth2": []}, {"bearerJWT": []}]
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])\Z")


def runtime(request: Request) -> GatewayRuntime:
    return request.app.state.runtime


async def current_principal(request: Request) -> Principal:
    dep = principal_dependency(runtime(request).verifier)  # type: ignore[arg-type]
    return await dep(request)


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


def identity_router() -> APIRouter:
    router = APIRouter(tags=["identity"])

    @router.post(
        "/oauth/token",
        summary="Get an access token (OAuth2 client credentials)",
        description="RFC 6749 section 4.4. Authenticate with HTTP Basic (client_id:client_secret) or the "
                    "`client_id` and `client_secret` form fields. The answer is a short-lived ES256 JWT "
                    "carrying the client's department, roles, scopes and the department's supervision "
                    "matters. Errors follow RFC 6749 section 5.2 (`error`, `error_description`).",
        response_model=TokenOut,
        responses={400: {"model": OAuthErrorOut, "description": "unsupported grant type or scope"},
                   401: {"model": OAuthErrorOut, "description": "unknown client or wrong secret"},
                   429: problem_responses(429)[429]},
        openapi_extra={"security": [{"clientBasic": []}, {}]},
    )
    async def issue_token(
        request: Request,
        grant_type: Annotated[str | None, Form(description="must be client_credentials", examples=["client_credentials"])] = None,
        client_id: Annotated[str | None, Form(description="when not sent with HTTP Basic")] = None,
        client_secret: Annotated[str | None, Form(description="when not sent with HTTP Basic")] = None,
        scope: Annotated[str | None, Form(description="optional subset of the client's scopes")] = None,
    ) -> JSONResponse:
        form = {k: v for k, v in {"grant_type": grant_type, "client_id": client_id,
                                  "client_secret": client_secret, "scope": scope}.items() if v is not None}
        result = await runtime(request).token(request.headers.get("authorization"), form)
        return JSONResponse(result.body, status_code=result.status, headers=result.headers)

    @router.get(
        "/.well-known/jwks.json",
        summary="The public keys that verify access tokens (JWKS)",
        description="The active signing key first, then keys retired by a rotation that still verify "
                    "tokens they signed. Services verify every token against this set.",
        response_model=JwksOut,
    )
    async def jwks(request: Request) -> JSONResponse:
        return JSONResponse(runtime(request).keys.jwks(), headers={"Cache-Control": "public, max-age=60"})

    return router


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
                         LOG_READ, 200, request.headers.get("x-request-id", "").encode(), 0.0))
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


def routers() -> list[APIRouter]:
    return [identity_router(), audit_router()]
