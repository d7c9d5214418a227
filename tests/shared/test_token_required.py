"""Every service verifies the caller's token on every route it does not list as public (defence in
depth behind the gateway): a direct call without a token is a 401 problem, whatever the route."""

from __future__ import annotations

import pytest

from gateway.docs.openapi import sample_path
from shared.public_routes import PublicRoutes
from tests.auth_support import service_client

pytestmark = pytest.mark.anyio

SERVICES = ("credit", "inspection", "casework", "disclosure", "coordination")
OPERATIONS = ("get", "post", "put", "patch", "delete")
OPS_ROUTES = {"/healthz", "/readyz", "/metrics"}  # the factory's own, probed on the internal network


async def test_credit_answers_no_direct_call_without_a_token(databases, authority):
    """The finding: /subjects, /records, /grade and /lists/entries/{id} answered with no token at all."""
    async with service_client("credit", databases, authority) as c:
        uscc = "91310000MA1FL0001R"
        for path in ("/subjects", f"/subjects/{uscc}", f"/subjects/{uscc}/records", f"/subjects/{uscc}/grade",
                     "/lists/entries/0190b7e2-6a6e-7c1a-9d43-4f1b2a3c5d6e", "/lists/abnormal/entries",
                     "/records/0190b7e2-6a6e-7c1a-9d43-4f1b2a3c5d6e"):
            r = await c.get(path)
            assert r.status_code == 401, (path, r.status_code, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.headers["www-authenticate"].startswith("Bearer")
        # With a department token the same read is answered.
        r = await c.get("/subjects", headers=authority.headers("yjj", "inspector"))
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("service", SERVICES)
async def test_every_route_not_listed_public_needs_a_token(databases, authority, service):
    async with service_client(service, databases, authority) as c:
        public = PublicRoutes.parse(c.app.state.public_routes)
        closed = opened = 0
        for template, item in c.app.openapi()["paths"].items():
            if template in OPS_ROUTES:
                continue
            for method in (m for m in item if m in OPERATIONS):
                r = await c.request(method.upper(), sample_path(template), json={} if method != "get" else None)
                if public.covers(method.upper(), template):
                    assert r.status_code != 401, f"{method.upper()} {template} is listed public but asked for a token"
                    opened += 1
                else:
                    assert r.status_code == 401, f"{method.upper()} {template} answered {r.status_code} without a token"
                    closed += 1
        assert closed + opened > 3 and (closed > 0 or service == "disclosure")


def test_a_stale_public_entry_is_refused_at_build_time():
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/things")
    async def things() -> dict:
        return {}

    PublicRoutes.parse(["GET /things", "GET /public/*"]).check_against([router])
    with pytest.raises(ValueError, match="GET /thing"):
        PublicRoutes.parse(["GET /thing"]).check_against([router])
    with pytest.raises(ValueError, match="METHOD /path"):
        PublicRoutes.parse(["get /things"])
