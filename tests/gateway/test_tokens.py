"""Token issuing, the client registry and key rotation, verified with shared.auth."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from gateway.identity.clients import (
    ClientRegistry,
    JsonFileClientStore,
    MemoryClientStore,
)
from gateway.identity.keys import (
    load_keys,
    load_or_create_keys,
    rotate_keys,
    write_jwks_file,
)
from gateway.identity.tokens import TokenIssuer, load_catalogue, token_response
from shared.auth import InvalidToken, TokenVerifier


@pytest.fixture(scope="module")
def registry():
    return ClientRegistry(MemoryClientStore())


@pytest.fixture
def setup(tmp_path, registry):
    ring = load_or_create_keys(tmp_path / "keys")
    jwks = tmp_path / "jwks.json"
    write_jwks_file(ring, jwks)
    issuer = TokenIssuer(ring)
    verifier = TokenVerifier(jwks_path=jwks, min_refresh_interval=0)
    cid, _ = registry.create_client("scjgj", ["inspector", "case_officer"])
    return ring, issuer, verifier, registry.get(cid), jwks


def _b64(d: bytes) -> str:
    return base64.urlsafe_b64encode(d).rstrip(b"=").decode()


def test_issue_and_verify_carries_identity_not_the_matter_list(setup):
    ring, issuer, verifier, client, _ = setup
    token, expires_in = issuer.issue_token(client)
    assert expires_in == 300
    assert jwt.get_unverified_header(token)["kid"] == ring.active_kid
    p = verifier.verify(token)
    assert p.kind == "department" and p.department == "scjgj" and p.client_id == client.client_id
    assert p.roles == {"inspector", "case_officer"}
    assert p.has_role("inspector") and not p.has_role("admin")
    # What the department may do is checked by each service against the catalogue as of the act's date.
    assert "matters" not in jwt.decode(token, options={"verify_signature": False})
    assert "inspection:write" in p.scopes and p.token_id


def test_expired_token_refused(setup):
    _, issuer, verifier, client, _ = setup
    token, _ = issuer.issue_token(client, now=datetime.now(UTC) - timedelta(seconds=400))
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(token)


def test_tampered_signature_refused(setup):
    _, issuer, verifier, client, _ = setup
    token, _ = issuer.issue_token(client)
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["admin"]
    forged = f"{head}.{_b64(json.dumps(claims).encode())}.{sig}"
    with pytest.raises(InvalidToken):
        verifier.verify(forged)


def test_wrong_audience_refused(setup):
    _, issuer, _, client, jwks = setup
    token, _ = issuer.issue_token(client)
    with pytest.raises(InvalidToken, match="audience"):
        TokenVerifier(jwks_path=jwks, audience="another-audience").verify(token)


def test_wrong_issuer_refused(setup):
    _, issuer, _, client, jwks = setup
    token, _ = issuer.issue_token(client)
    with pytest.raises(InvalidToken, match="issuer"):
        TokenVerifier(jwks_path=jwks, issuer="someone-else").verify(token)


def test_hs256_signed_with_public_key_refused(setup):
    ring, issuer, verifier, client, _ = setup
    claims = issuer.claims_for(client, datetime.now(UTC))
    header = {"alg": "HS256", "typ": "JWT", "kid": ring.active_kid}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    secret = ring.active.public_pem()  # the classic key-confusion attack
    sig = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(InvalidToken, match="HS256"):
        verifier.verify(f"{signing_input}.{_b64(sig)}")


def test_alg_none_refused(setup):
    ring, issuer, verifier, client, _ = setup
    claims = issuer.claims_for(client, datetime.now(UTC))
    token = jwt.encode(claims, None, algorithm="none", headers={"kid": ring.active_kid})
    with pytest.raises(InvalidToken, match="none"):
        verifier.verify(token)


def test_unknown_kid_refused(setup, tmp_path):
    _, _, verifier, client, _ = setup
    other = TokenIssuer(load_or_create_keys(tmp_path / "other-keys"))
    token, _ = other.issue_token(client)
    with pytest.raises(InvalidToken, match="unknown key id"):
        verifier.verify(token)


def test_rotation_keeps_old_tokens_valid_and_signs_with_new_kid(setup, tmp_path):
    ring, issuer, verifier, client, jwks = setup
    old_token, _ = issuer.issue_token(client)
    verifier.verify(old_token)  # the verifier has cached the old key set
    new_ring = rotate_keys(tmp_path / "keys")
    write_jwks_file(new_ring, jwks)
    assert new_ring.active_kid != ring.active_kid
    assert {k["kid"] for k in new_ring.jwks()["keys"]} == {ring.active_kid, new_ring.active_kid}
    new_token, _ = TokenIssuer(new_ring).issue_token(client)
    assert jwt.get_unverified_header(new_token)["kid"] == new_ring.active_kid
    assert verifier.verify(new_token).client_id == client.client_id  # unknown kid -> re-read
    assert verifier.verify(old_token).client_id == client.client_id


def test_retired_key_leaves_the_jwks_after_its_tokens_expire(tmp_path):
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    first = load_or_create_keys(tmp_path, now=t0)
    second = rotate_keys(tmp_path, now=t0 + timedelta(hours=1))
    assert first.active_kid in {k["kid"] for k in second.jwks(now=t0 + timedelta(hours=1))["keys"]}
    later = t0 + timedelta(hours=2)
    assert [k["kid"] for k in second.jwks(now=later)["keys"]] == [second.active_kid]
    third = rotate_keys(tmp_path, now=later)
    assert first.active_kid not in {k.kid for k in third.keys}
    assert not (tmp_path / f"{first.active_kid}.pem").exists()


def test_client_secret_stored_only_as_argon2_hash(tmp_path):
    path = tmp_path / "clients.json"
    reg = ClientRegistry(JsonFileClientStore(path))
    cid, secret = reg.create_client("yjj", ["credit_officer"], kind="department")
    stored = path.read_text()
    assert secret not in stored and "$argon2" in stored
    again = ClientRegistry(JsonFileClientStore(path))  # persisted
    assert again.verify(cid, secret).department == "yjj"
    assert again.verify(cid, secret + "x") is None
    assert again.verify("nobody", secret) is None


def test_unknown_role_refused_at_registration(registry):
    with pytest.raises(ValueError, match="unknown roles"):
        registry.create_client("scjgj", ["superuser"])


def test_token_endpoint_client_credentials(setup, registry):
    _, issuer, verifier, _, _ = setup
    cid, secret = registry.create_client("hotline", [], kind="service")
    basic = "Basic " + base64.b64encode(f"{cid}:{secret}".encode()).decode()
    ok = token_response(registry, issuer, basic, {"grant_type": "client_credentials"})
    assert ok.status == 200 and ok.body["token_type"] == "Bearer"
    assert ok.headers["Cache-Control"] == "no-store"
    p = verifier.verify(ok.body["access_token"])
    assert p.kind == "service" and p.department == "hotline"
    bad = token_response(registry, issuer, None,
                         {"grant_type": "client_credentials", "client_id": cid, "client_secret": "no"})
    assert bad.status == 401 and bad.body["error"] == "invalid_client"
    grant = token_response(registry, issuer, basic, {"grant_type": "password"})
    assert grant.status == 400 and grant.body["error"] == "unsupported_grant_type"


def test_credentials_are_for_the_catalogues_departments_marked_sample():
    cat = load_catalogue()
    assert {"scjgj", "yjj", "sthjj", "zjw", "jtw", "yjglj", "wjw", "whlyj", "swj", "hotline", "xhscjgj",
            "xhzhzf"} <= set(cat.departments)
    assert cat.sample and cat.version.startswith("sample")


def test_keys_reload_from_disk(tmp_path):
    ring = load_or_create_keys(tmp_path)
    again = load_keys(tmp_path)
    assert again.active_kid == ring.active_kid
    assert again.jwks() == ring.jwks()
    assert oct((tmp_path / f"{ring.active_kid}.pem").stat().st_mode & 0o777) == "0o600"


def test_separated_roles_refused_at_registration_and_no_token_for_a_stored_one(setup, registry):
    with pytest.raises(ValueError, match="separated"):
        registry.create_client("scjgj", ["legal_reviewer", "case_officer"])
    assert not [c for c in registry.list() if "legal_reviewer" in c.roles and "case_officer" in c.roles]
    # A client written before the rule (or by hand) gets no token until it is split.
    _, issuer, _, _, _ = setup
    cid, secret = registry.create_client("scjgj", ["case_officer"])
    data = registry.store.load()
    data["clients"][cid]["roles"] = ["case_officer", "legal_reviewer"]
    registry.store.save(data)
    registry.reload()
    basic = "Basic " + base64.b64encode(f"{cid}:{secret}".encode()).decode()
    result = token_response(registry, issuer, basic, {"grant_type": "client_credentials"})
    assert result.status == 400 and result.body["error"] == "unauthorized_client"
    assert "separated" in result.body["error_description"]
