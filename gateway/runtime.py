"""What a running gateway holds: keys, clients, the token issuer and verifier, policy, limits, audit.

Key and client files may change under a running gateway (`supervision credentials
rotate-keys` / `create` from another process): the holders notice a changed file (mtime
and size) on the next token or key-set request and reload it, so neither needs a restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gateway.access.policy import Policy, load_policy
from gateway.access.ratelimit import RateLimiter
from gateway.audit.log import AuditLog
from gateway.identity.clients import ClientRegistry
from gateway.identity.credentials import registry_for
from gateway.identity.keys import (
    STATE_FILE,
    KeyRing,
    load_or_create_keys,
    write_jwks_file,
)
from gateway.identity.tokens import (
    TokenIssuer,
    TokenResponse,
    load_catalogue,
    token_response,
)
from gateway.identity.verify import CachedVerifier
from gateway.settings import GatewaySettings
from shared.auth import TokenVerifier


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


class KeyHolder:
    """The signing key ring of the key directory, reloaded when its state file changes."""

    def __init__(self, key_dir: Path, jwks_path: Path, grace: timedelta) -> None:
        self.key_dir = Path(key_dir)
        self.jwks_path = Path(jwks_path)
        self.grace = grace
        self._ring: KeyRing | None = None
        self._stamp: tuple[int, int] | None = None
        self.current()

    def current(self) -> KeyRing:
        stamp = _stamp(self.key_dir / STATE_FILE)
        if self._ring is None or stamp != self._stamp:
            self._ring = load_or_create_keys(self.key_dir)
            self._stamp = _stamp(self.key_dir / STATE_FILE)
            # Publish what we sign with before the first token goes out.
            write_jwks_file(self._ring, self.jwks_path)
        return self._ring

    def jwks(self) -> dict:
        return self.current().jwks(grace=self.grace)

    def signing(self, publish_delay: float) -> KeyRing:
        """The ring to sign with: a freshly rotated key signs only once it has been published a while."""
        ring = self.current()
        age = (datetime.now(UTC) - ring.active.created_at).total_seconds()
        if age >= publish_delay:
            return ring
        previous = [k for k in ring.keys if k.kid != ring.active_kid and k.retired_at is not None]
        if not previous:
            return ring
        return KeyRing(ring.directory, ring.keys, max(previous, key=lambda k: k.created_at).kid)


class ClientHolder:
    def __init__(self, settings: GatewaySettings) -> None:
        self.path = Path(settings.clients_file)
        self.registry: ClientRegistry = registry_for(settings)
        self._stamp = _stamp(self.path)

    def current(self) -> ClientRegistry:
        stamp = _stamp(self.path)
        if stamp != self._stamp:
            self.registry.reload()
            self._stamp = stamp
        return self.registry


class GatewayRuntime:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.policy: Policy = load_policy(settings.policy_file)
        self.catalogue = load_catalogue(settings.catalogue_file)
        grace = timedelta(seconds=settings.token_ttl_seconds + 60)
        self.keys = KeyHolder(settings.key_dir, settings.jwks_path, grace)
        self.clients = ClientHolder(settings)
        self.issuer = TokenIssuer(self.keys.current(), issuer=settings.token_issuer,
                                  audience=settings.token_audience, ttl_seconds=settings.token_ttl_seconds)
        # The gateway verifies against the same JWKS file it publishes (the services' view).
        self.verifier = CachedVerifier(TokenVerifier(jwks_path=settings.jwks_path, issuer=settings.token_issuer,
                                                     audience=settings.token_audience))
        self.limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
        # Its own routes (token endpoint, audit queries) are limited per remote address.
        self.local_limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
        self.audit = AuditLog(settings.audit_database_url, policy_version=self.policy.version,
                              maxsize=settings.audit_queue_size, batch_size=settings.audit_batch_size)
        # argon2 is deliberately expensive (memory and CPU): a few at a time, off the event loop.
        self._hashing = asyncio.Semaphore(4)

    async def token(self, authorization: str | None, form: Mapping[str, str]) -> TokenResponse:
        registry = self.clients.current()
        self.issuer.keys = self.keys.signing(self.settings.key_publish_seconds)
        async with self._hashing:
            return await asyncio.to_thread(token_response, registry, self.issuer, authorization, dict(form))

    def department_names(self, code: str | None) -> tuple[str | None, str | None]:
        d = self.catalogue.departments.get(code or "")
        return (d.name_zh, d.name_en) if d else (None, None)
