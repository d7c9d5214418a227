"""Which routes of a service answer without a token: an explicit list, everything else needs one.

The gateway is the only door, but a service reached directly must not answer a caller it cannot
name (defence in depth). The app factory puts `token_required` in front of every route of every
router it includes, so a new route is closed until it is listed here as public.

Entries are `"METHOD /path/template"` (as the route declares it) or `"METHOD /prefix/*"` for every
route under a prefix (a public site or API); `GET` also covers `HEAD`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.routing import APIRoute

from shared.auth import Unauthenticated


@dataclass(frozen=True)
class PublicRoutes:
    exact: frozenset[tuple[str, str]]
    prefixes: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> PublicRoutes:
        exact: set[tuple[str, str]] = set()
        prefixes: list[tuple[str, str]] = []
        for entry in entries:
            method, _, path = entry.partition(" ")
            if not path.startswith("/") or method != method.upper() or not method:
                raise ValueError(f"public route {entry!r}: write 'METHOD /path' or 'METHOD /prefix/*'")
            if path.endswith("/*"):
                prefixes.append((method, path[:-1]))
            else:
                exact.add((method, path))
        return cls(frozenset(exact), tuple(prefixes))

    def covers(self, method: str, template: str) -> bool:
        method = "GET" if method == "HEAD" else method
        return (method, template) in self.exact or any(
            m == method and template.startswith(p) for m, p in self.prefixes)

    def check_against(self, routers: Iterable[APIRouter]) -> None:
        """Every exact entry names a route that exists: a stale one would open the next route of that name.
        A prefix opens a whole public area, present or to come."""
        routes = {(m, r.path) for router in routers for r in router.routes if isinstance(r, APIRoute)
                  for m in r.methods}
        stale = [f"{m} {p}" for m, p in sorted(self.exact) if (m, p) not in routes]
        if stale:
            raise ValueError(f"public routes that no router declares: {', '.join(stale)}")


def token_required(public: PublicRoutes) -> Callable[[Request], Awaitable[None]]:
    """Dependency for every included route: 401 without a valid token unless the route is listed public."""

    async def require_token(request: Request) -> None:
        route = request.scope.get("route")
        if public.covers(request.method, getattr(route, "path", "")):
            return
        principal = await request.app.state.principal_dependency(request)
        if principal.is_public:
            raise Unauthenticated("this route is not public: send a bearer token from the gateway")

    return require_token
