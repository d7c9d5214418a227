"""The checks before a request is forwarded: who is calling, how often, and may they.

Order: authenticate (a cached ES256 check; no token = the anonymous public), rate-limit
(per client id, per remote address for the public), then the policy (deny by default). A
refusal is a `Rejection` the proxy answers as problem+json: 401, 429 with Retry-After,
404 for a route the policy does not know, 403 naming the missing permission.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gateway.access.policy import Policy
from gateway.access.ratelimit import RateLimiter
from shared.auth import PUBLIC, InvalidToken, Principal, Unauthenticated, bearer_token


@dataclass
class Rejection:
    """A guard's refusal, answered as problem+json."""

    status: int
    detail: str
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)



def make_guard(verifier: Any, policy: Policy, limiter: RateLimiter | None = None,
               on_decision: Callable[..., Any] | None = None) -> Callable[[dict[str, Any], bytes | None], Any]:
    """Authenticate, rate-limit and authorise a request before it is forwarded.

    `verifier` has `async verify_async(token) -> Principal` (a TokenVerifier, or the
    gateway's CachedVerifier). Sets scope["state"]["principal"] and ["decision"]; calls
    `on_decision(scope, principal, decision)` (sync or async) when one is given.
    """
    decide = policy.decide
    check = limiter.check if limiter is not None else None
    retry_header = RateLimiter.retry_after_header

    async def guard(scope: dict[str, Any], authorization: bytes | None) -> Rejection | None:
        state = scope["state"]
        if authorization is None:
            principal: Principal = PUBLIC
        else:
            try:
                token = bearer_token(authorization.decode("latin-1"))
                principal = await verifier.verify_async(token)  # type: ignore[arg-type]
            except (InvalidToken, Unauthenticated) as exc:
                reason = getattr(exc, "reason", str(exc))
                return Rejection(401, f"A valid bearer token is required: {reason}",
                                 {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        state["principal"] = principal
        if check is not None:
            if principal.client_id is not None:
                key = principal.client_id
            else:
                client = scope.get("client")
                key = "ip:" + (client[0] if client else "-")
            allowed, retry_after = check(key)
            if not allowed:
                return Rejection(429, "Too many requests; slow down",
                                 {"Retry-After": retry_header(retry_after)})
        decision = decide(principal, scope["method"], scope["path"])
        state["decision"] = decision
        if on_decision is not None:
            result = on_decision(scope, principal, decision)
            if inspect.isawaitable(result):
                await result
        if decision.allowed:
            return None
        extra = {"missing": decision.missing, "policy_version": policy.version}
        if decision.route is None:
            return Rejection(404, f"No route {scope['method']} {scope['path']}", extra=extra)
        if principal.is_public:
            return Rejection(401, f"Credentials required: {decision.missing}",
                             {"WWW-Authenticate": "Bearer"}, extra)
        return Rejection(403, f"Missing permission: {decision.missing}", extra=extra)

    return guard
