"""The app factory every service (and the gateway) is built with.

It gives each app the same edges: RFC 9457 problem+json for every error, request id and
W3C traceparent propagation, `/healthz`, `/readyz` (database, bus, migrations at head),
`/metrics`, JSON logs, stable OpenAPI operation ids, and a lifespan that opens the
database, the bus (outbox relay + consumers) and background jobs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import MetaData
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.auth import (
    PermissionDenied,
    TokenVerifier,
    Unauthenticated,
    principal_dependency,
)
from shared.bus.consumer import Subscription
from shared.bus.runtime import ServiceBus
from shared.bus.tables import BusTables
from shared.conditional import ConditionalGetMiddleware
from shared.db import Database
from shared.errors import PROBLEM_BASE, DomainError
from shared.idempotency import HEADER as IDEMPOTENCY_HEADER
from shared.idempotency import (
    KEY_IN_USE,
    IdempotencyMiddleware,
    IdempotentReplay,
    forget_expired_keys,
    is_key_race,
)
from shared.ids import new_id
from shared.logs import configure_logging
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS
from shared.migrate import at_head, upgrade_to_head
from shared.public_routes import PublicRoutes, token_required
from shared.settings import ServiceSettings
from shared.text_guard import ControlCharacterMiddleware
from shared.tracing import child_traceparent, request_id_var, traceparent_var

log = logging.getLogger("shared.app")
PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "Malformed request", 401: "No or invalid bearer token", 403: "Not permitted for this caller",
        404: "Not found", 409: "Conflicts with the current state", 412: "Precondition failed",
        413: "Body too large", 422: "Invalid input: `errors` names each field and rule", 429: "Too many requests",
        503: "Not ready / upstream unavailable",
    }
    return {
        c: {"model": Problem, "description": descriptions.get(c, "Problem"), "content": {PROBLEM_JSON: {}}}
        for c in codes
    }


STANDARD_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


def problem_response(status: int, title: str, detail: str | None, *, slug: str | None = None,
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (slug or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error_response(exc: DomainError) -> JSONResponse:
    return JSONResponse(exc.problem(), status_code=exc.status, media_type=PROBLEM_JSON)


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where, rest = parts[0], parts[1:]
        return f"{where}.{'.'.join(rest)}" if rest else where
    return ".".join(parts)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(exc.problem(request.url.path), status_code=exc.status, media_type=PROBLEM_JSON)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_name(tuple(e.get("loc", ()))), "rule": e.get("type", "invalid"), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem_response(422, "Invalid request", detail, slug="validation", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 400: "Bad request", 413: "Body too large"}
        title = titles.get(exc.status_code, "HTTP error")
        detail = exc.detail if isinstance(exc.detail, str) else None
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no route {request.method} {request.url.path}"
        return problem_response(exc.status_code, title, detail, headers=getattr(exc, "headers", None))

    async def auth_error(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(exc.status, exc.title, exc.detail, headers=getattr(exc, "headers", None))  # type: ignore[attr-defined]

    app.add_exception_handler(Unauthenticated, auth_error)
    app.add_exception_handler(PermissionDenied, auth_error)

    @app.exception_handler(IdempotentReplay)
    async def replay(request: Request, exc: IdempotentReplay) -> Response:
        return exc.response()

    @app.exception_handler(DBAPIError)
    async def database_refused(request: Request, exc: DBAPIError) -> JSONResponse:
        if isinstance(exc, IntegrityError) and is_key_race(request, exc):
            return problem_response(409, "Conflict", KEY_IN_USE, slug="conflict")
        # PostgreSQL refuses NUL characters in text; the input is bad, not the server.
        if "invalid byte sequence" in str(exc.orig) or "0x00" in str(exc.orig):
            return problem_response(422, "Invalid request", "text must not contain NUL (\\u0000) characters",
                                    slug="validation", errors=[{"field": "body", "rule": "text.nul",
                                                                "message": "NUL characters are not allowed"}])
        log.exception("database error on %s %s", request.method, request.url.path)
        return problem_response(500, "Internal error", "an unexpected error was logged with this request id",
                                request_id=request_id_var.get())

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        status = getattr(exc, "status", None)
        if isinstance(status, int) and 400 <= status < 500:  # auth errors carry their status
            return problem_response(status, getattr(exc, "title", "Error"), getattr(exc, "detail", str(exc)),
                                    headers=getattr(exc, "headers", None))
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "Internal error", "an unexpected error was logged with this request id",
                                request_id=request_id_var.get())


class RequestContextMiddleware:
    """Pure ASGI: request id, traceparent, access metrics. Cheap on every request."""

    def __init__(self, app: Any, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = tp_in = None
        for k, v in scope["headers"]:
            if k == b"x-request-id":
                rid = v.decode("latin-1")[:128]
            elif k == b"traceparent":
                tp_in = v.decode("latin-1")
        rid = rid or new_id()
        if "\x00" in scope["path"]:
            # PostgreSQL cannot store NUL in text: refuse it at the door, for every route alike (query
            # and body values are refused with a 422 naming the field, see shared.text_guard).
            response = problem_response(400, "Bad request", "NUL characters are not allowed in the path",
                                        slug="nul-character")
            await response(scope, receive, send)
            return
        tp = child_traceparent(tp_in)
        t_rid, t_tp = request_id_var.set(rid), traceparent_var.set(tp)
        status_holder = [500]
        started = time.perf_counter()

        async def send_with_ids(message: dict) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (b"x-request-id", rid.encode("latin-1")),
                    (b"traceparent", tp.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_ids)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            HTTP_REQUESTS.labels(self.service, scope["method"], template, str(status_holder[0])).inc()
            HTTP_LATENCY.labels(self.service, template).observe(time.perf_counter() - started)
            request_id_var.reset(t_rid)
            traceparent_var.reset(t_tp)


def operation_id(route: APIRoute) -> str:
    """Stable operation ids for generated clients: the endpoint's own function name."""
    return route.name


ReadinessCheck = Callable[[FastAPI], Awaitable[tuple[bool, str]]]
DEGRADED = "degraded:"  # a passing check whose detail starts so serves with reduced function


def health_router(checks: dict[str, ReadinessCheck]) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: database, bus and migrations",
                description="200 while the service can take requests: its database answers and its schema is "
                            "at head. `status` is `ready`, or `degraded` when a check's detail starts with "
                            "`degraded:` (the bus is away or a consumer waits out a database fault): writes are "
                            "accepted and their events wait in the outbox, so a load balancer keeps routing to "
                            "it; events reach other services late. 503 (problem+json) when the database or "
                            "migrations fail: take it out of rotation.",
                responses=problem_responses(503))
    async def readyz(request: Request) -> JSONResponse:
        results: dict[str, dict[str, Any]] = {}
        ready = True
        for name, check in checks.items():
            try:
                ok, detail = await asyncio.wait_for(check(request.app), timeout=3)
            except Exception as exc:
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            results[name] = {"ok": ok, "detail": detail}
            ready = ready and ok
        if ready:
            degraded = any(str(v["detail"]).startswith(DEGRADED) for v in results.values())
            return JSONResponse({"status": "degraded" if degraded else "ready", "checks": results})
        failing = ", ".join(k for k, v in results.items() if not v["ok"])
        return problem_response(503, "Not ready", f"failing: {failing}", slug="not-ready", checks=results)

    @router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
    async def metrics() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _db_check(app: FastAPI) -> tuple[bool, str]:
    await app.state.db.ping()
    return True, app.state.db.dialect


async def _bus_check(app: FastAPI) -> tuple[bool, str]:
    # Without the bus the service still takes writes (events wait in its outbox): degraded, not unready.
    bus: ServiceBus | None = app.state.bus
    if bus is None:
        return True, "disabled"
    return True, await bus.health()


def _migration_check(service: str) -> ReadinessCheck:
    async def check(app: FastAPI) -> tuple[bool, str]:
        return await at_head(app.state.db.engine, service)

    return check


BackgroundJob = Callable[[FastAPI], Awaitable[None]]


@dataclass
class ServiceSpec:
    """What a service brings to the factory."""

    name: str
    title: str
    description: str
    settings: ServiceSettings
    metadata: MetaData
    bus_tables: BusTables
    routers: list[APIRouter]
    subscriptions: list[Subscription] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    # Routes that answer without a token (shared.public_routes); every other route needs one.
    public_routes: tuple[str, ...] = ()
    background_jobs: list[BackgroundJob] = field(default_factory=list)
    # Extra /readyz checks, e.g. a catalogue read model that has received a version.
    readiness: dict[str, ReadinessCheck] = field(default_factory=dict)
    version: str = "1.0.0"
    # Path prefixes whose routes speak another standard's error format (Open311): a refusal made
    # before routing (control characters) is rendered by the given function, not as problem+json.
    error_formats: dict[str, Callable[[DomainError, str], Response]] = field(default_factory=dict)


IDEMPOTENCY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER, "in": "header", "required": False,
    "description": "Optional, recommended for retries: a unique key (e.g. a UUID) per intended change. "
                   "Repeating a request with the same key returns the first answer (header "
                   "`Idempotent-Replayed: true`) instead of doing it twice; the same key with a different "
                   "request is refused (422). Keys are kept 24 hours per client. While the first request runs a retry "
                   "gets 409 (retry shortly); if it committed but its answer was lost (the service stopped), a "
                   "retry after 60 s gets 200 `{\"outcome\": \"committed\"}` with `Idempotency-Outcome: "
                   "committed-answer-lost`: the change was made once, read the resource.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128},
    "example": "0190b7e2-6a6e-7c1a-9d43-4f1b2a3c5d6e",
}


MALFORMED_BODY = {"description": "Malformed request: the body is not the JSON the operation takes",
                  "content": {PROBLEM_JSON: {}, "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _document_idempotency_key(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            for ops in build().get("paths", {}).values():
                if "post" in ops:
                    ops["post"].setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
                for op in ops.values():
                    if isinstance(op, dict) and "requestBody" in op:  # a body that is not JSON at all
                        op.setdefault("responses", {}).setdefault("400", MALFORMED_BODY)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _forget_expired_idempotency_keys(app: FastAPI) -> None:
    while True:
        try:
            async with app.state.db.sessionmaker() as session:
                await forget_expired_keys(session, app.state.idempotency_table)
                await session.commit()
        except Exception:  # a missed sweep is retried at the next one
            log.exception("sweeping expired idempotency keys failed")
        await asyncio.sleep(3600)


def _refusal_by_path(formats: dict[str, Callable[[DomainError, str], Response]]) -> Callable[[DomainError], Any]:
    def respond(exc: DomainError) -> Any:
        async def answer(scope: dict, receive: Callable, send: Callable) -> None:
            path = scope["path"]
            render = next((r for prefix, r in formats.items() if path.startswith(prefix)), None)
            response = render(exc, path) if render is not None else domain_error_response(exc)
            await response(scope, receive, send)
        return answer
    return respond


def make_verifier(settings: ServiceSettings) -> TokenVerifier:
    return TokenVerifier(
        jwks_path=None if settings.jwks_url else settings.jwks_file, jwks_url=settings.jwks_url or None,
        issuer=settings.token_issuer, audience=settings.token_audience,
    )


def build_service_app(spec: ServiceSpec) -> FastAPI:
    s = spec.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        configure_logging(spec.name, s.log_level, s.log_json)
        if s.migrate_on_start:
            await asyncio.to_thread(upgrade_to_head, spec.name, s.database_url)
        db = Database(s.database_url, service=spec.name,
                      outbox_table=spec.bus_tables.outbox, inbox_table=spec.bus_tables.inbox)
        app.state.db = db
        app.state.bus = None
        if s.bus_enabled:
            bus = ServiceBus(s, db, spec.subscriptions)
            await bus.start()
            app.state.bus = bus
        jobs = [*spec.background_jobs, _forget_expired_idempotency_keys]
        tasks = [asyncio.create_task(job(app), name=f"{spec.name}-{job.__name__}") for job in jobs]
        log.info("%s started", spec.name)
        try:
            yield
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if app.state.bus is not None:
                await app.state.bus.stop()
            await db.dispose()

    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version=spec.version,
        lifespan=lifespan,
        openapi_tags=spec.tags + [{"name": "operations", "description": "Health, readiness and metrics"}],
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = s
    app.state.db = None
    app.state.bus = None
    app.state.subscriptions = spec.subscriptions  # what it consumes: contract tests feed these handlers
    verifier = make_verifier(s)
    app.state.verifier = verifier
    app.state.principal_dependency = principal_dependency(verifier)
    app.state.idempotency_table = spec.bus_tables.idempotency
    install_problem_handlers(app)
    app.add_middleware(ConditionalGetMiddleware)
    app.add_middleware(IdempotencyMiddleware, table_of=lambda a: a.state.idempotency_table)
    app.add_middleware(ControlCharacterMiddleware, respond=_refusal_by_path(spec.error_formats))
    app.add_middleware(RequestContextMiddleware, service=spec.name)
    _document_idempotency_key(app)
    app.include_router(health_router({
        "database": _db_check, "bus": _bus_check, "migrations": _migration_check(spec.name), **spec.readiness,
    }))
    public = PublicRoutes.parse(spec.public_routes)
    public.check_against(spec.routers)
    app.state.public_routes = spec.public_routes
    guard = Depends(token_required(public))
    for router in spec.routers:
        app.include_router(router, responses=STANDARD_PROBLEMS, dependencies=[guard])
    return app
