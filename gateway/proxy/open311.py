"""The Open311 GeoReport v2 root at the gateway (/casework/open311/v2/): its credential and its errors.

* POST requests carry the intake client's `api_key` in the form body. The proxy reads the body
  (small: GeoReport forms), takes the key out, exchanges it for that client's bearer token
  (gateway/identity/api_keys.py) and forwards the rest with the token, before the guard runs:
  rate limit, policy and audit then apply to the client as on any other call. A key is only
  checked within the caller's address's rate limit (argon2 is costly: no free guessing).
* Every refusal the gateway itself makes on this root (no or bad api_key, 404, 413, 429, 5xx)
  is a GeoReport error list in the path's format, not problem+json; GeoReport has no bearer
  challenge, so a missing credential is its 403.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlencode

from gateway.access.guard import Rejection
from gateway.access.ratelimit import RateLimiter
from shared.open311 import error_body, format_of

PREFIX = "/casework/open311/"
FORM = b"application/x-www-form-urlencoded"


class Open311Door:
    def __init__(self, bearer: Callable[[str], Awaitable[str | None]], limiter: RateLimiter | None = None,
                 prefix: str = PREFIX) -> None:
        self.bearer = bearer  # api_key -> access token, or None
        self.limiter = limiter  # the public's, keyed by remote address
        self.prefix = prefix

    def covers(self, path: str) -> bool:
        return path.startswith(self.prefix)

    def error(self, path: str, status: int, detail: str) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        if status == 401:
            status, detail = 403, f"api_key: an intake client's credential (client_id:client_secret) is needed; {detail}"
        body, media_type = error_body(format_of(path), [(status, detail)])
        return status, body, [(b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode())]

    async def credential(self, address: str, content_type: bytes | None,
                         body: bytes) -> tuple[bytes | None, bytes] | Rejection:
        """(authorization for the api_key or None, the body without it); a Rejection for a bad key."""
        if content_type is None or content_type.split(b";", 1)[0].strip().lower() != FORM:
            return None, body  # the service answers what it cannot read
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        keys = [v for k, v in pairs if k == "api_key"]
        if not keys:
            return None, body
        if len(keys) > 1:
            return Rejection(400, "api_key: given more than once")
        if self.limiter is not None:
            allowed, retry_after = self.limiter.check("ip:" + address)
            if not allowed:
                return Rejection(429, "Too many requests; slow down",
                                 {"Retry-After": RateLimiter.retry_after_header(retry_after)})
        token = await self.bearer(keys[0])
        if token is None:
            return Rejection(403, "api_key: not a valid intake client credential (client_id:client_secret)")
        rest = urlencode([(k, v) for k, v in pairs if k != "api_key"]).encode()
        return b"Bearer " + token.encode(), rest
