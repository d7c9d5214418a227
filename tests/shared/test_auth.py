"""shared.auth: the Principal, JWKS from a URL, and the FastAPI dependencies."""

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Annotated, ClassVar

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from gateway.identity.clients import ClientRegistry, MemoryClientStore
from gateway.identity.keys import load_or_create_keys, rotate_keys, write_jwks_file
from gateway.identity.tokens import TokenIssuer
from shared.auth import (
    InvalidToken,
    PermissionDenied,
    Principal,
    TokenVerifier,
    Unauthenticated,
    principal_dependency,
    require_roles,
)


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(scope="module")
def registry():
    return ClientRegistry(MemoryClientStore())


@pytest.fixture
def env(tmp_path, registry):
    ring = load_or_create_keys(tmp_path / "keys")
    write_jwks_file(ring, tmp_path / "jwks.json")
    issuer = TokenIssuer(ring)
    verifier = TokenVerifier(jwks_path=tmp_path / "jwks.json", min_refresh_interval=0)
    officer = registry.get(registry.create_client("scjgj", ["credit_officer"])[0])
    return issuer, verifier, officer


def test_public_principal_has_no_roles():
    p = Principal.public()
    assert p.is_public and not p.has_role("admin") and p.department is None


def test_principal_is_frozen():
    p = Principal.public()
    with pytest.raises(AttributeError):
        p.kind = "department"  # type: ignore[misc]


class _JwksHandler(BaseHTTPRequestHandler):
    document: ClassVar[dict] = {}
    hits = 0

    def do_GET(self):
        type(self).hits += 1
        body = json.dumps(self.document).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_jwks_from_url_cached_and_refreshed_on_unknown_kid(tmp_path, registry):
    ring = load_or_create_keys(tmp_path)
    _JwksHandler.document = ring.jwks()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _JwksHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
        verifier = TokenVerifier(jwks_url=url, min_refresh_interval=0)
        client = registry.get(registry.create_client("jtw", ["inspector"])[0])
        token, _ = TokenIssuer(ring).issue_token(client)
        assert verifier.verify(token).department == "jtw"
        assert verifier.verify(token).department == "jtw"
        assert _JwksHandler.hits == 1  # cached
        rotated = rotate_keys(tmp_path)
        _JwksHandler.document = rotated.jwks()
        new_token, _ = TokenIssuer(rotated).issue_token(client)
        assert verifier.verify(new_token).client_id == client.client_id
        assert _JwksHandler.hits == 2
    finally:
        server.shutdown()


def test_unknown_kid_refresh_is_rate_limited(env, tmp_path):
    issuer, _, officer = env
    verifier = TokenVerifier(jwks_path=tmp_path / "jwks.json", min_refresh_interval=60)
    verifier.verify(issuer.issue_token(officer)[0])
    stranger = TokenIssuer(load_or_create_keys(tmp_path / "x"))
    (tmp_path / "jwks.json").write_text("not json")  # a re-read now would fail loudly
    with pytest.raises(InvalidToken, match="unknown key id"):
        verifier.verify(stranger.issue_token(officer)[0])


def test_remembered_token_still_expires_at_its_exp(env, tmp_path):
    issuer, _, officer = env
    verifier = TokenVerifier(jwks_path=tmp_path / "jwks.json", leeway=0)
    ttl = issuer.ttl_seconds
    token, _ = issuer.issue_token(officer, now=datetime.now(UTC) - timedelta(seconds=ttl - 2))
    assert verifier.verify(token).client_id == officer.client_id  # verified, then remembered
    exp = int(time.time()) + 2
    time.sleep(max(0.0, exp - time.time()) + 0.05)
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(token)


def test_remembered_token_refused_once_its_key_left_the_key_set(env, tmp_path):
    issuer, verifier, officer = env
    token, _ = issuer.issue_token(officer)
    assert verifier.verify(token).department == "scjgj"
    write_jwks_file(load_or_create_keys(tmp_path / "other-keys"), tmp_path / "jwks.json")
    verifier._jwks.refresh_sync()  # the key set now holds another key only
    with pytest.raises(InvalidToken, match="unknown key id"):
        verifier.verify(token)


def _app(verifier):
    current = principal_dependency(verifier)
    caller = Annotated[Principal, Depends(current)]
    officer = Annotated[Principal, Depends(require_roles("credit_officer", principal=current))]
    reviewer = Annotated[Principal, Depends(require_roles("legal_reviewer", principal=current))]
    app = FastAPI()

    @app.exception_handler(Unauthenticated)
    @app.exception_handler(PermissionDenied)
    async def problem(_: Request, exc):
        return JSONResponse({"status": exc.status, "title": exc.title, "detail": exc.detail},
                            status_code=exc.status, headers=getattr(exc, "headers", None),
                            media_type="application/problem+json")

    @app.get("/whoami")
    async def whoami(p: caller):
        return {"kind": p.kind, "department": p.department}

    @app.post("/records")
    async def create(p: officer):
        return {"by": p.client_id}

    @app.post("/reviews")
    async def review(p: reviewer):
        return {"by": p.client_id}

    return app


@pytest.mark.anyio
async def test_dependency_public_without_header_401_on_bad_token(env):
    issuer, verifier, officer = env
    transport = httpx.ASGITransport(app=_app(verifier))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        assert (await c.get("/whoami")).json() == {"kind": "public", "department": None}
        bad = await c.get("/whoami", headers={"Authorization": "Bearer abc.def.ghi"})
        assert bad.status_code == 401
        assert bad.headers["content-type"] == "application/problem+json"
        assert "Bearer" in bad.headers["www-authenticate"]
        basic = await c.get("/whoami", headers={"Authorization": "Basic eDp5"})
        assert basic.status_code == 401
        token, _ = issuer.issue_token(officer)
        ok = await c.get("/whoami", headers={"Authorization": f"Bearer {token}"})
        assert ok.json() == {"kind": "department", "department": "scjgj"}


@pytest.mark.anyio
async def test_require_roles_403_names_missing_role_and_401_for_public(env):
    issuer, verifier, officer = env
    token, _ = issuer.issue_token(officer)
    auth = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=_app(verifier))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        assert (await c.post("/records", headers=auth)).json() == {"by": officer.client_id}
        denied = await c.post("/reviews", headers=auth)
        assert denied.status_code == 403 and "legal_reviewer" in denied.json()["detail"]
        assert (await c.post("/records")).status_code == 401
