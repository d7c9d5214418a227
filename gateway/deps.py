"""FastAPI dependencies shared by the gateway's own routers: the running gateway and the caller."""

from __future__ import annotations

from fastapi import Request

from gateway.runtime import GatewayRuntime
from shared.auth import Principal, principal_dependency


def runtime(request: Request) -> GatewayRuntime:
    return request.app.state.runtime


async def current_principal(request: Request) -> Principal:
    dep = principal_dependency(runtime(request).verifier)  # type: ignore[arg-type]
    return await dep(request)
