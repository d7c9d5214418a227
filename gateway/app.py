"""Builds the gateway: `uvicorn --factory gateway.app:create_app`.

Two parts behind one pure-ASGI dispatcher:

* the proxy (gateway/proxy/), for every service path: no FastAPI on this path, a cached
  token check, the precompiled policy, a token bucket, a queued audit record;
* a small FastAPI app for the gateway's own routes: /oauth/token, /.well-known/jwks.json,
  /audit/..., the merged /openapi.json, /asyncapi.json (the events), /docs, /healthz, /readyz, /metrics.

Path mapping: `/credit/...` -> credit `/...` (likewise inspection, casework, disclosure);
the public site `/` -> disclosure `/site/`, `/site/...` -> disclosure `/site/...`, and
`/public/...` -> disclosure `/public/...`.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy.engine import make_url

from gateway.access.guard import make_guard
from gateway.audit.routes import audit_router
from gateway.docs.openapi import MergedOpenAPI
from gateway.docs.routes import docs_router
from gateway.edge import client_address, trusted_networks, with_security_headers
from gateway.identity.api_keys import ApiKeyExchange
from gateway.identity.routes import identity_router
from gateway.proxy.forward import Proxy, Receive, Scope, Send, problem_response
from gateway.proxy.open311 import Open311Door
from gateway.runtime import GatewayRuntime
from gateway.settings import GatewaySettings
from shared.app import (
    RequestContextMiddleware,
    health_router,
    install_problem_handlers,
    operation_id,
)
from shared.logs import configure_logging
from shared.metrics import HTTP_REQUESTS
from shared.migrate import at_head, upgrade_to_head

DESCRIPTION = "The only door to the supervision platform: identities, access policy, access audit, routing."
# Paths the gateway answers itself; everything else is proxied (or refused by the policy).
LOCAL_PREFIXES = ("/oauth/", "/.well-known/", "/audit/", "/openapi.json", "/asyncapi.json", "/docs", "/healthz", "/readyz", "/metrics")
UNLIMITED = ("/healthz", "/readyz", "/metrics")
TAGS = [
    {"name": "identity", "description": "OAuth2 client credentials and the public keys that verify tokens"},
    {"name": "audit", "description": "Who accessed which company's data: public summary and the auditors' full log"},
]


def upstream_routes(settings: GatewaySettings) -> tuple[dict[str, str], dict[str, str]]:
    """(prefix routes, exact routes) for the proxy."""
    u = settings.upstreams()
    prefixes = {f"/{name}": url for name, url in u.items()}
    prefixes["/site"] = u["disclosure"] + "/site"
    prefixes["/public"] = u["disclosure"] + "/public"
    return prefixes, {"/": u["disclosure"] + "/site/"}


class GatewayApp:
    """The ASGI entry point: the gateway's own routes or the proxy, by path."""

    def __init__(self, local: FastAPI, proxy: Proxy, runtime: GatewayRuntime) -> None:
        self.local = local
        self.proxy = proxy
        self.runtime = runtime
        self.trusted_proxies = trusted_networks(runtime.settings.trusted_proxies)
        # For test helpers that run `app.router.lifespan_context(app)`.
        self.router = local.router
        self.state = local.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = self._edge(scope)
            send = _secured(send)
            path = scope["path"]
            if not path.startswith(LOCAL_PREFIXES):
                await self.proxy(scope, receive, send)
                return
            if not path.startswith(UNLIMITED):
                client = scope.get("client")
                allowed, retry = self.runtime.local_limiter.check("ip:" + (client[0] if client else "-"))
                if not allowed:
                    body, headers = problem_response(429, "Too many requests; slow down", instance=path,
                                                     headers={"Retry-After": self.runtime.limiter.retry_after_header(retry)})
                    await send({"type": "http.response.start", "status": 429, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.local(scope, receive, send)

    def _edge(self, scope: Scope) -> Scope:
        """The scope with the caller's real address as its client and no X-Forwarded-For of the
        caller's own making (the proxy writes the one upstreams see)."""
        address = client_address(scope, self.trusted_proxies)
        client = scope.get("client")
        headers = [(k, v) for k, v in scope["headers"] if k != b"x-forwarded-for"]
        return {**scope, "headers": headers, "client": (address, client[1] if client else 0)}


def _secured(send: Send) -> Send:
    async def send_secured(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": with_security_headers(message.get("headers") or ())}
        await send(message)

    return send_secured


def _ensure_sqlite_dir(url: str) -> None:
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)


def _own_openapi(local: FastAPI) -> dict[str, Any]:
    if getattr(local.state, "own_openapi", None) is None:
        local.state.own_openapi = get_openapi(title="gateway", version=local.version, routes=local.routes,
                                              tags=TAGS + [{"name": "operations", "description": "Health, readiness and metrics"}])
    return local.state.own_openapi


async def _audit_db_check(app: FastAPI) -> tuple[bool, str]:
    db = app.state.runtime.audit.db
    if db is None:
        return False, "not started"
    await db.ping()
    return True, db.dialect


async def _migrations_check(app: FastAPI) -> tuple[bool, str]:
    db = app.state.runtime.audit.db
    if db is None:
        return False, "not started"
    return await at_head(db.engine, "gateway")


async def _audit_writer_check(app: FastAPI) -> tuple[bool, str]:
    audit = app.state.runtime.audit
    return audit.running, f"backlog {audit.queue.qsize()}"


def create_app(settings: GatewaySettings | None = None) -> GatewayApp:
    settings = settings or GatewaySettings()
    rt = GatewayRuntime(settings)
    counters: dict[tuple[str, int], Any] = {}

    def on_complete(scope: Scope, status: int, started: float) -> None:
        rt.audit.on_complete(scope, status, started)
        key = (scope["method"], status)
        counter = counters.get(key)
        if counter is None:
            counter = counters[key] = HTTP_REQUESTS.labels("gateway", scope["method"], "proxy", str(status))
        counter.inc()

    prefixes, exact = upstream_routes(settings)
    proxy = Proxy(prefixes, exact=exact, guard=make_guard(rt.verifier, rt.policy, rt.limiter),
                  on_complete=on_complete, max_body_bytes=settings.max_body_bytes,
                  max_page_size=settings.max_page_size, connect_timeout=settings.upstream_connect_timeout,
                  timeout=settings.upstream_timeout, pool_size=settings.upstream_pool_size,
                  open311=Open311Door(ApiKeyExchange(rt.token).bearer, rt.limiter))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        configure_logging("gateway", settings.log_level, settings.log_json)
        if settings.migrate_on_start:
            _ensure_sqlite_dir(settings.audit_database_url)
            await asyncio.to_thread(upgrade_to_head, "gateway", settings.audit_database_url)
        await rt.audit.start()
        try:
            yield
        finally:
            await rt.audit.stop()
            await proxy.aclose()

    local = FastAPI(title="Supervision gateway", description=DESCRIPTION, version=rt.policy.version,
                    lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None,
                    generate_unique_id_function=operation_id)
    local.state.settings = settings
    local.state.runtime = rt
    local.state.proxy = proxy
    local.state.openapi = MergedOpenAPI(settings.upstreams(), rt.policy, lambda: _own_openapi(local),
                                        cache_seconds=settings.openapi_cache_seconds,
                                        retry_seconds=settings.openapi_retry_seconds)
    install_problem_handlers(local)
    local.add_middleware(RequestContextMiddleware, service="gateway")
    local.include_router(health_router({"audit_database": _audit_db_check, "migrations": _migrations_check,
                                        "audit_writer": _audit_writer_check}))
    local.include_router(identity_router())
    local.include_router(audit_router())
    local.include_router(docs_router())
    return GatewayApp(local, proxy, rt)
