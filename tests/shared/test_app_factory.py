"""The edges every app shares: problem+json, request ids, health, readiness, metrics."""

from __future__ import annotations

import pytest
from fastapi import APIRouter

from shared.web import PrincipalDep
from tests.auth_support import service_client

whoami_router = APIRouter()


@whoami_router.get("/probe/whoami")
async def whoami(p: PrincipalDep) -> dict:
    return {"kind": p.kind, "department": p.department}


pytestmark = pytest.mark.anyio

SERVICES = ["credit", "inspection", "casework", "disclosure"]


@pytest.mark.parametrize("service", SERVICES)
async def test_ready_with_database_bus_and_migrations(service, databases, authority, nats_server):
    async with service_client(service, databases, authority, nats_server.url) as c:
        r = await c.get("/readyz")
        assert r.status_code == 200, r.text
        checks = r.json()["checks"]
        assert checks["database"]["ok"] and checks["bus"]["ok"] and checks["migrations"]["ok"]
        assert (await c.get("/healthz")).json() == {"status": "ok"}
        metrics = await c.get("/metrics")
        assert "sup_http_requests_total" in metrics.text


async def test_not_ready_when_migrations_behind(databases, authority):
    from services.credit.app import create_app
    from services.credit.settings import CreditSettings
    from tests.support import running_app

    url = await databases.empty()
    app = create_app(CreditSettings(database_url=url, bus_enabled=False, migrate_on_start=False,
                                    jwks_file=authority.jwks_file))
    async with running_app(app) as c:
        r = await c.get("/readyz")
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["checks"]["migrations"]["ok"] is False


async def test_unknown_route_is_problem_json_with_request_id(databases, authority):
    async with service_client("credit", databases, authority) as c:
        r = await c.get("/no/such/route", headers={"X-Request-Id": "req-123",
                                                    "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"})
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
        body = r.json()
        assert body["status"] == 404 and "no route" in body["detail"]
        assert r.headers["x-request-id"] == "req-123"
        # The trace continues with a new span id.
        assert r.headers["traceparent"].startswith("00-" + "a" * 32 + "-")
        assert "b" * 16 not in r.headers["traceparent"]


async def test_bad_token_is_401_problem(databases, authority):
    async with service_client("credit", databases, authority) as c:
        c.app.include_router(whoami_router)
        assert (await c.get("/probe/whoami")).json() == {"kind": "public", "department": None}
        ok = await c.get("/probe/whoami", headers=authority.headers("scjgj", "credit_officer"))
        assert ok.json() == {"kind": "department", "department": "scjgj"}
        bad = await c.get("/probe/whoami", headers={"Authorization": "Bearer not.a.token"})
        assert bad.status_code == 401
        assert bad.headers["content-type"] == "application/problem+json"


async def test_migrations_run_on_empty_database_and_are_idempotent(databases):
    from shared.migrate import SERVICES as ALL
    from shared.migrate import upgrade_to_head

    for service in [s for s in ALL if s != "gateway"]:
        url = await databases.empty()
        upgrade_to_head(service, url)
        upgrade_to_head(service, url)
