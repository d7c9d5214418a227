"""Token verification and the caller's identity (plumbing, no business rules).

The gateway forwards the caller's token unchanged; every service verifies it again here
against the gateway's JWKS, so a bare header is never trusted.

Wiring in a service::

    verifier = TokenVerifier(jwks_path=settings.jwks_path, issuer=..., audience=...)
    current_principal = principal_dependency(verifier)

    CreditOfficer = Annotated[Principal, Depends(require_roles("credit_officer",
                                                               principal=current_principal))]

    @router.post("/records")
    async def create(p: CreditOfficer): ...

`Unauthenticated` (401) and `PermissionDenied` (403) carry `status`, `title`, `detail` for
the app factory's problem+json handler.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import jwt
from fastapi import Depends, Request

ALGORITHM = "ES256"
DEFAULT_AUDIENCE = "supervision-services"
DEFAULT_ISSUER = "supervision-gateway"
Kind = Literal["department", "service", "public"]


@dataclass(frozen=True)
class Principal:
    kind: Kind
    client_id: str | None = None
    department: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_id: str | None = None

    @classmethod
    def public(cls) -> Principal:
        return cls(kind="public")

    @property
    def is_public(self) -> bool:
        return self.kind == "public"

    def has_role(self, *roles: str) -> bool:
        """True when the principal holds at least one of `roles`."""
        return any(r in self.roles for r in roles)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


PUBLIC = Principal.public()


class InvalidToken(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Unauthenticated(Exception):
    status = 401
    title = "Unauthenticated"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.detail = f"A valid bearer token is required: {reason}"
        # RFC 6750 section 3: tell the client how to authenticate.
        self.headers = {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{reason}"'}


class PermissionDenied(Exception):
    status = 403
    title = "Forbidden"

    def __init__(self, missing: str):
        super().__init__(missing)
        self.missing = missing
        self.detail = f"Missing permission: {missing}"


class _JwksCache:
    """JWKS keys by kid, from a file or a URL, refreshed when an unknown kid shows up."""

    def __init__(self, path: str | Path | None, url: str | None, min_refresh_interval: float):
        if (path is None) == (url is None):
            raise ValueError("give exactly one of jwks_path or jwks_url")
        self.path = Path(path) if path is not None else None
        self.url = url
        self.min_refresh_interval = min_refresh_interval
        self._keys: dict[str, jwt.PyJWK] = {}
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def _install(self, document: dict[str, Any]) -> None:
        keys: dict[str, jwt.PyJWK] = {}
        for entry in document.get("keys", []):
            # Only EC P-256 signature keys count; anything else in the set is ignored.
            if entry.get("kty") != "EC" or entry.get("crv") != "P-256" or "kid" not in entry:
                continue
            if entry.get("alg", ALGORITHM) != ALGORITHM or entry.get("use", "sig") != "sig":
                continue
            keys[entry["kid"]] = jwt.PyJWK(entry, algorithm=ALGORITHM)
        self._keys = keys
        self._loaded_at = time.monotonic()

    def _may_refresh(self) -> bool:
        # Bounded refresh rate: a flood of tokens with made-up kids must not flood the source.
        return time.monotonic() - self._loaded_at >= self.min_refresh_interval

    def refresh_sync(self) -> None:
        with self._lock:
            if self.path is not None:
                self._install(json.loads(self.path.read_text()))
            else:
                resp = httpx.get(self.url, timeout=5.0)
                resp.raise_for_status()
                self._install(resp.json())

    async def refresh_async(self) -> None:
        if self.path is not None:
            self.refresh_sync()
            return
        async with httpx.AsyncClient(timeout=5.0) as client:
            resp = await client.get(self.url)
            resp.raise_for_status()
            self._install(resp.json())

    def get(self, kid: str) -> jwt.PyJWK | None:
        return self._keys.get(kid)


class TokenVerifier:
    """Verifies gateway ES256 tokens strictly and turns them into a Principal."""

    def __init__(
        self,
        *,
        jwks_path: str | Path | None = None,
        jwks_url: str | None = None,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
        leeway: float = 5.0,
        min_refresh_interval: float = 1.0,
        memo_size: int = 10_000,
    ):
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self._jwks = _JwksCache(jwks_path, jwks_url, min_refresh_interval)
        # A caller sends the same token for its whole life: its signature is checked once, then
        # the principal is reused until the token's own exp (no leeway), and only while the key
        # that verified it is still the one the key set holds for its kid.
        self.memo_size = memo_size
        self._memo: dict[str, tuple[Principal, float, str, jwt.PyJWK]] = {}

    def _remembered(self, token: str) -> Principal | None:
        hit = self._memo.get(token)
        if hit is None:
            return None
        principal, exp, kid, key = hit
        if time.time() < exp and self._jwks.get(kid) is key:
            return principal
        self._memo.pop(token, None)
        return None

    def _remember(self, token: str, principal: Principal, exp: float, kid: str, key: jwt.PyJWK) -> None:
        if len(self._memo) >= self.memo_size:
            for old in list(self._memo)[: self.memo_size // 2 + 1]:
                del self._memo[old]
        self._memo[token] = (principal, exp, kid, key)

    def _header_kid(self, token: str) -> str:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token: {exc}") from None
        # Checked before any key lookup: refuses none, HS256 (key confusion), RS256, ...
        if header.get("alg") != ALGORITHM:
            raise InvalidToken(f"algorithm {header.get('alg')!r} not accepted, only {ALGORITHM}")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("token has no kid")
        return kid

    def _decode(self, token: str, key: jwt.PyJWK, kid: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("token expired") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken("wrong audience") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken("wrong issuer") from None
        except jwt.ImmatureSignatureError:
            raise InvalidToken("token not yet valid") from None
        except jwt.InvalidSignatureError:
            raise InvalidToken("bad signature") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid token: {exc}") from None
        principal = principal_from_claims(claims)
        self._remember(token, principal, float(claims["exp"]), kid, key)
        return principal

    def verify(self, token: str) -> Principal:
        """Synchronous verification (a URL JWKS is fetched with a blocking httpx call)."""
        if (known := self._remembered(token)) is not None:
            return known
        kid = self._header_kid(token)
        key = self._jwks.get(kid)
        if key is None and self._jwks._may_refresh():
            self._refresh(self._jwks.refresh_sync)
            key = self._jwks.get(kid)
        if key is None:
            raise InvalidToken(f"unknown key id {kid!r}")
        return self._decode(token, key, kid)

    async def verify_async(self, token: str) -> Principal:
        """Same as verify, fetching a URL JWKS without blocking the event loop."""
        if (known := self._remembered(token)) is not None:
            return known
        kid = self._header_kid(token)
        key = self._jwks.get(kid)
        if key is None and self._jwks._may_refresh():
            try:
                await self._jwks.refresh_async()
            except (OSError, httpx.HTTPError, ValueError) as exc:
                raise InvalidToken(f"key set unavailable: {exc}") from None
            key = self._jwks.get(kid)
        if key is None:
            raise InvalidToken(f"unknown key id {kid!r}")
        return self._decode(token, key, kid)

    @staticmethod
    def _refresh(fn: Callable[[], None]) -> None:
        try:
            fn()
        except (OSError, httpx.HTTPError, ValueError) as exc:
            raise InvalidToken(f"key set unavailable: {exc}") from None


def _str_set(claims: dict[str, Any], name: str) -> frozenset[str]:
    value = claims.get(name, [])
    if isinstance(value, str):
        return frozenset(value.split())
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidToken(f"claim {name} must be a list of strings")
    return frozenset(value)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    kind = claims.get("kind")
    if kind not in ("department", "service"):
        raise InvalidToken(f"claim kind must be department or service, not {kind!r}")
    dept = claims.get("dept")
    if not isinstance(dept, str) or not dept:
        raise InvalidToken("claim dept missing")
    return Principal(
        kind=kind,
        client_id=str(claims["sub"]),
        department=dept,
        roles=_str_set(claims, "roles"),
        scopes=_str_set(claims, "scope"),
        token_id=str(claims["jti"]),
    )


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer` header; None when there is no header."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization header must be 'Bearer <token>'")
    return token.strip()


def principal_dependency(verifier: TokenVerifier) -> Callable[[Request], Awaitable[Principal]]:
    """FastAPI dependency: the caller's Principal; public when no Authorization header."""

    async def current_principal(request: Request) -> Principal:
        cached = getattr(request.state, "principal", None)
        if isinstance(cached, Principal):
            return cached
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            principal = PUBLIC
        else:
            try:
                principal = await verifier.verify_async(token)
            except InvalidToken as exc:
                raise Unauthenticated(exc.reason) from None
        request.state.principal = principal
        return principal

    return current_principal


def require_roles(
    *roles: str, principal: Callable[..., Awaitable[Principal]] | None = None
) -> Callable[..., Awaitable[Principal]]:
    """Dependency: the caller must hold at least one of `roles`.

    A public caller gets 401 (credentials would help); an authenticated one without the
    role gets 403 naming the role. `principal` is the dependency from principal_dependency;
    without it the principal stored on request.state by that dependency is used.
    """
    if not roles:
        raise ValueError("require_roles needs at least one role")
    needed = " or ".join(roles)

    def check(p: Principal) -> Principal:
        if p.is_public:
            raise Unauthenticated(f"role {needed} required")
        if not p.has_role(*roles):
            raise PermissionDenied(f"role {needed}")
        return p

    if principal is not None:

        # A default, not Annotated: this module's annotations are strings, and `principal` is local.
        async def with_dependency(p: Principal = Depends(principal)) -> Principal:  # noqa: B008
            return check(p)

        return with_dependency

    async def from_state(request: Request) -> Principal:
        p = getattr(request.state, "principal", None)
        return check(p if isinstance(p, Principal) else PUBLIC)

    return from_state
