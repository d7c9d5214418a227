"""Open311 `api_key`: a client credential sent as a form field, exchanged for that client's token.

GeoReport v2 clients authenticate POST requests with an `api_key` field, not OAuth2. Here the
key is `<client_id>:<client_secret>` of a client the operator created (`supervision credentials
create hotline`), checked exactly as the token endpoint checks it (same registry, argon2, the
separated-roles rule). The gateway forwards the call with that client's token, so the service,
the policy, the rate limit and the audit see the client as on any other call.

A verified key keeps its token until shortly before the token expires (argon2 is deliberately
slow; one check per key and token lifetime). A disabled client or a reset secret is therefore
refused from the next token on, within one token lifetime, as for OAuth2 callers.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable, Mapping

from gateway.identity.tokens import TokenResponse

TokenEndpoint = Callable[[str | None, Mapping[str, str]], Awaitable[TokenResponse]]
MARGIN_SECONDS = 30  # a cached token is not handed out this close to its expiry


class ApiKeyExchange:
    def __init__(self, token: TokenEndpoint, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self._token = token
        self._max_entries = max_entries
        self._clock = clock
        self._cache: dict[str, tuple[str, float]] = {}

    async def bearer(self, api_key: str) -> str | None:
        """The access token for an api_key, or None when it is not a valid client credential."""
        client_id, sep, secret = api_key.partition(":")
        if not sep or not client_id or not secret:
            return None
        key = hashlib.sha256(api_key.encode()).hexdigest()
        hit = self._cache.get(key)
        now = self._clock()
        if hit is not None and hit[1] > now:
            return hit[0]
        answer = await self._token(None, {"grant_type": "client_credentials", "client_id": client_id,
                                          "client_secret": secret})
        if answer.status != 200:
            self._cache.pop(key, None)
            return None
        token = str(answer.body["access_token"])
        if len(self._cache) >= self._max_entries:
            self._cache.clear()
        self._cache[key] = (token, now + float(answer.body["expires_in"]) - MARGIN_SECONDS)
        return token
