"""Token verification on the hot path: ES256 once per token, then a dictionary look-up.

A department system sends the same token for its whole life (minutes), so the gateway
remembers each verified token until it expires. The cache is bounded; when full, the oldest
half goes (tokens are short-lived, so old entries are the ones about to expire anyway).
Services still verify every token themselves: the cache only saves the gateway's work.
"""

from __future__ import annotations

import base64
import json
import time

from shared.auth import InvalidToken, Principal, TokenVerifier


def _expiry(token: str) -> float:
    # Called only after the signature was verified, so the payload is the signed one.
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return float(claims["exp"])


class CachedVerifier:
    def __init__(self, verifier: TokenVerifier, max_entries: int = 50_000, clock=time.time):
        self.verifier = verifier
        self.max_entries = max_entries
        self._clock = clock
        self._cache: dict[str, tuple[Principal, float]] = {}

    async def verify_async(self, token: str) -> Principal:
        hit = self._cache.get(token)
        if hit is not None:
            if hit[1] > self._clock():
                return hit[0]
            del self._cache[token]
            raise InvalidToken("token expired")
        principal = await self.verifier.verify_async(token)
        if len(self._cache) >= self.max_entries:
            for key in list(self._cache)[: self.max_entries // 2]:
                del self._cache[key]
        # Kept until its own exp, without the verifier's leeway: the cache is never more lenient.
        self._cache[token] = (principal, _expiry(token))
        return principal

    def verify(self, token: str) -> Principal:
        return self.verifier.verify(token)

    def clear(self) -> None:
        self._cache.clear()
