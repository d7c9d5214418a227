"""Access tokens: short-lived ES256 JWTs for OAuth2 client credentials.

    ring = load_or_create_keys(settings.key_dir)
    issuer = TokenIssuer(ring, ttl_seconds=300)
    jwt, expires_in = issuer.issue_token(client)

`token_response(registry, issuer, authorization, form)` implements the token endpoint
(RFC 6749 section 4.4) so the app only has to parse the form and return the result.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jwt
import yaml

from gateway.identity.clients import Client, ClientRegistry
from gateway.identity.keys import KeyRing
from shared.auth import ALGORITHM, DEFAULT_AUDIENCE, DEFAULT_ISSUER
from shared.catalogue.model import CatalogueVersion, parse_version
from shared.catalogue.readmodel import SAMPLE_FILE
from shared.contracts.roles import separated_role_conflicts

DEFAULT_TTL_SECONDS = 300


def load_catalogue(path: str | Path = SAMPLE_FILE) -> CatalogueVersion:
    """The departments that may hold credentials (codes, kinds, names), from a catalogue document.

    What a department may do is not the gateway's business: the services check it against the
    coordination service's catalogue as of the act's date, so tokens carry identity only.
    """
    return parse_version(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


class TokenIssuer:
    def __init__(
        self,
        keys: KeyRing,
        *,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
    ):
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.ttl_seconds = ttl_seconds

    def claims_for(self, client: Client, now: datetime) -> dict[str, Any]:
        iat = int(now.timestamp())
        return {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": client.client_id,
            "iat": iat,
            "nbf": iat,
            "exp": iat + self.ttl_seconds,
            "jti": str(uuid.uuid4()),
            "dept": client.department,
            "roles": sorted(client.roles),
            "scope": " ".join(client.scopes),
            "kind": client.kind,
        }

    def issue_token(self, client: Client, now: datetime | None = None) -> tuple[str, int]:
        """Sign a token for `client` with the active key; returns (jwt, expires_in seconds)."""
        now = now or datetime.now(UTC)
        key = self.keys.active
        token = jwt.encode(
            self.claims_for(client, now),
            key.private_key,
            algorithm=ALGORITHM,
            headers={"kid": key.kid, "typ": "at+jwt"},  # RFC 9068 access-token type
        )
        return token, self.ttl_seconds

    def retired_key_grace(self, leeway_seconds: int = 60) -> timedelta:
        """How long a rotated-out key must stay in the JWKS (pass to rotate_keys)."""
        return timedelta(seconds=self.ttl_seconds + leeway_seconds)


@dataclass(frozen=True)
class TokenResponse:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    client: Client | None = None  # for the audit record


def _oauth_error(status: int, error: str, description: str) -> TokenResponse:
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="supervision-gateway"'
    return TokenResponse(status, {"error": error, "error_description": description}, headers)


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    cid, sep, secret = decoded.partition(":")
    # RFC 6749 section 2.3.1: id and secret are form-urlencoded inside Basic.
    return (unquote(cid), unquote(secret)) if sep else None


def token_response(
    registry: ClientRegistry,
    issuer: TokenIssuer,
    authorization: str | None,
    form: Mapping[str, str],
    now: datetime | None = None,
) -> TokenResponse:
    """The token endpoint: client_credentials via HTTP Basic or form fields."""
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "only client_credentials is supported")
    creds = _basic_credentials(authorization)
    if creds is None and form.get("client_id") and form.get("client_secret"):
        creds = (form["client_id"], form["client_secret"])
    if creds is None:
        return _oauth_error(401, "invalid_client", "client authentication required")
    client = registry.verify(*creds)
    if client is None:
        return _oauth_error(401, "invalid_client", "unknown client or wrong secret")
    if conflicts := separated_role_conflicts(client.roles):
        # A client stored before the rule (or edited by hand) gets no token until it is split.
        return _oauth_error(400, "unauthorized_client", "; ".join(conflicts))
    requested = set((form.get("scope") or "").split())
    if requested and not requested <= set(client.scopes):
        return _oauth_error(400, "invalid_scope", f"not granted: {sorted(requested - set(client.scopes))}")
    token, expires_in = issuer.issue_token(client, now)
    body = {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": expires_in,
        "scope": " ".join(client.scopes),
    }
    return TokenResponse(200, body, {"Cache-Control": "no-store", "Pragma": "no-cache"}, client)
