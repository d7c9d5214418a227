"""The gateway app end to end in-process: identities, the door, limits, upstream failures, docs."""

from __future__ import annotations

import asyncio
import json
import re

import jwt
import pytest

from gateway.identity.credentials import create_client
from shared.auth import TokenVerifier
from tests.gateway.support import (
    OTHER,
    SUBJECT,
    gateway_client,
    gateway_settings,
    mint,
    stub_upstream,
)

pytestmark = pytest.mark.anyio


async def test_client_credentials_token_verifies_against_the_published_key_set(tmp_path):
    settings = gateway_settings(tmp_path)
    client_id, secret = create_client(settings, "scjgj", ["inspector", "case_officer"])
    stored = (tmp_path / "keys" / "clients.json").read_text()
    assert secret not in stored and "$argon2id$" in stored
    async with gateway_client(settings) as c:
        basic = await c.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
        assert basic.status_code == 200, basic.text
        body = basic.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] == settings.token_ttl_seconds
        assert basic.headers["cache-control"] == "no-store"
        form = await c.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": client_id,
                                                  "client_secret": secret})
        assert form.status_code == 200
        wrong = await c.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, "nope"))
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
        grant = await c.post("/oauth/token", data={"grant_type": "password"}, auth=(client_id, secret))
        assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
        jwks = (await c.get("/.well-known/jwks.json")).json()
    token = body["access_token"]
    kid = jwt.get_unverified_header(token)["kid"]
    assert [k["kid"] for k in jwks["keys"]] == [kid]
    # The file the services read holds the same key set.
    assert json.loads(settings.jwks_path.read_text())["keys"][0]["kid"] == kid
    p = TokenVerifier(jwks_path=settings.jwks_path).verify(token)
    assert p.department == "scjgj" and p.roles == {"inspector", "case_officer"}
    assert p.client_id == client_id


async def test_public_reaches_only_public_routes_and_a_verified_token_is_forwarded_unchanged(tmp_path):
    async with stub_upstream() as upstream:
        settings = gateway_settings(tmp_path, credit_url=upstream, disclosure_url=upstream)
        async with gateway_client(settings) as c:
            site = await c.get("/")
            assert site.status_code == 200 and site.json()["path"] == "/site/"
            assert (await c.get("/site/search")).json()["path"] == "/site/search"
            assert (await c.get("/public/records")).json()["path"] == "/public/records"
            public = await c.get(f"/disclosure/public/subjects/{SUBJECT}")
            assert public.json() == {"method": "GET", "path": f"/public/subjects/{SUBJECT}", "size": 0,
                                     "authorization": None}
            anonymous = await c.get(f"/credit/subjects/{SUBJECT}")
            assert anonymous.status_code == 401
            assert anonymous.headers["content-type"] == "application/problem+json"
            headers = mint(c.app, "scjgj", "inspector")
            allowed = await c.get(f"/credit/subjects/{SUBJECT}", headers=headers)
            assert allowed.json()["path"] == f"/subjects/{SUBJECT}"
            assert allowed.json()["authorization"] == headers["Authorization"]
            denied = await c.post("/credit/subjects", headers=headers, json={})
            assert denied.status_code == 403 and denied.headers["content-type"] == "application/problem+json"
            problem = denied.json()
            assert problem["missing"] == "role credit_officer for POST /credit/subjects"
            assert "credit_officer" in problem["detail"]
            unknown = await c.get("/credit/secrets", headers=headers)
            assert unknown.status_code == 404
            forged = await c.get(f"/credit/subjects/{SUBJECT}", headers={"Authorization": "Bearer a.b.c"})
            assert forged.status_code == 401
            # Two tokens: the service could act on one while the gateway audited the other.
            two = await c.get(f"/credit/subjects/{SUBJECT}",
                              headers=[("Authorization", headers["Authorization"]), ("Authorization", "Bearer x")])
            assert two.status_code == 400


async def test_rate_limit_per_client_and_per_address_answers_429_with_retry_after(tmp_path):
    async with stub_upstream() as upstream:
        settings = gateway_settings(tmp_path, credit_url=upstream, disclosure_url=upstream,
                                    rate_per_second=0.01, rate_burst=2)
        async with gateway_client(settings) as c:
            a = mint(c.app, "scjgj", "inspector", client_id="scjgj-a")
            b = mint(c.app, "scjgj", "inspector", client_id="scjgj-b")
            statuses = [(await c.get(f"/credit/subjects/{SUBJECT}", headers=a)).status_code for _ in range(3)]
            assert statuses == [200, 200, 429]
            limited = await c.get(f"/credit/subjects/{SUBJECT}", headers=a)
            assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
            assert limited.headers["content-type"] == "application/problem+json"
            # Another client has its own bucket.
            assert (await c.get(f"/credit/subjects/{SUBJECT}", headers=b)).status_code == 200
            anonymous = [(await c.get("/disclosure/public/records")).status_code for _ in range(3)]
            assert anonymous == [200, 200, 429]
        # Anonymous callers are keyed by their address: another address has a full bucket.
        async with gateway_client(settings, client_ip="10.1.2.3") as other:
            assert (await other.get("/disclosure/public/records")).status_code == 200


async def test_body_size_and_page_size_limits(tmp_path):
    async with stub_upstream() as upstream:
        settings = gateway_settings(tmp_path, credit_url=upstream, max_body_bytes=1000)
        async with gateway_client(settings) as c:
            officer = mint(c.app, "scjgj", "credit_officer")
            too_big = await c.post("/credit/subjects", headers=officer, content=b"x" * 1001)
            assert too_big.status_code == 413 and too_big.headers["content-type"] == "application/problem+json"

            async def chunks():
                for _ in range(5):
                    yield b"y" * 300

            streamed = await c.post("/credit/subjects", headers=officer, content=chunks())
            assert streamed.status_code == 413
            assert (await c.post("/credit/subjects", headers=officer, content=b"x" * 1000)).json()["size"] == 1000
            page = await c.get("/credit/subjects?name=x&limit=201", headers=officer)
            assert page.status_code == 422
            assert page.json()["errors"][0]["field"] == "query.limit"
            assert (await c.get("/credit/subjects?limit=1&limit=500", headers=officer)).status_code == 422
            assert (await c.get("/credit/subjects?limit=200", headers=officer)).status_code == 200


async def test_upstream_timeout_is_504_and_upstream_down_is_503_without_hanging(tmp_path):
    async with stub_upstream() as upstream:
        settings = gateway_settings(tmp_path, credit_url=upstream, upstream_timeout=0.3)
        async with gateway_client(settings) as c:
            headers = mint(c.app, "scjgj", "credit_officer")
            loop = asyncio.get_running_loop()
            started = loop.time()
            slow = await c.get(f"/credit/subjects/{SUBJECT}?slow=1", headers=headers)
            assert slow.status_code == 504 and loop.time() - started < 2
            assert slow.headers["content-type"] == "application/problem+json"
            down = await c.get(f"/casework/cases/{OTHER}", headers=mint(c.app, "scjgj", "case_officer"))
            assert down.status_code == 503 and down.json()["title"] == "Service Unavailable"
            assert (await c.get("/readyz")).status_code == 200  # the gateway itself stays ready


async def test_docs_are_served_without_any_external_asset(tmp_path):
    async with gateway_client(gateway_settings(tmp_path)) as c:
        page = await c.get("/docs")
        assert page.status_code == 200
        for url in re.findall(r'(?:src|href)="([^"]+)"', page.text):
            assert url.startswith("/"), url
            assert (await c.get(url)).status_code == 200, url
        reference = await c.get("/docs/reference")
        assert reference.status_code == 200 and "gateway_issue_token" in reference.text
        assert "http://" not in reference.text.replace("http://gateway", "") and "https://" not in reference.text
        spec = (await c.get("/openapi.json")).json()
        assert spec["x-upstreams"]["credit"]["status"] == "down"
        assert "/oauth/token" in spec["paths"]
