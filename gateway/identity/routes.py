"""The gateway's identity routes: the token endpoint and the key set that verifies tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse

from gateway.deps import runtime
from gateway.identity.schemas import JwksOut, OAuthErrorOut, TokenOut
from shared.app import problem_responses


def identity_router() -> APIRouter:
    router = APIRouter(tags=["identity"])

    @router.post(
        "/oauth/token",
        summary="Get an access token (OAuth2 client credentials)",
        description="RFC 6749 section 4.4. Authenticate with HTTP Basic (client_id:client_secret) or the "
                    "`client_id` and `client_secret` form fields. The answer is a short-lived ES256 JWT "
                    "carrying the client's department, roles, scopes and the department's supervision "
                    "matters. Errors follow RFC 6749 section 5.2 (`error`, `error_description`).",
        response_model=TokenOut,
        responses={400: {"model": OAuthErrorOut, "description": "unsupported grant type or scope"},
                   401: {"model": OAuthErrorOut, "description": "unknown client or wrong secret"},
                   429: problem_responses(429)[429]},
        openapi_extra={"security": [{"clientBasic": []}, {}]},
    )
    async def issue_token(
        request: Request,
        grant_type: Annotated[str | None, Form(description="must be client_credentials", examples=["client_credentials"])] = None,
        client_id: Annotated[str | None, Form(description="when not sent with HTTP Basic")] = None,
        client_secret: Annotated[str | None, Form(description="when not sent with HTTP Basic")] = None,
        scope: Annotated[str | None, Form(description="optional subset of the client's scopes")] = None,
    ) -> JSONResponse:
        form = {k: v for k, v in {"grant_type": grant_type, "client_id": client_id,
                                  "client_secret": client_secret, "scope": scope}.items() if v is not None}
        result = await runtime(request).token(request.headers.get("authorization"), form)
        return JSONResponse(result.body, status_code=result.status, headers=result.headers)

    @router.get(
        "/.well-known/jwks.json",
        summary="The public keys that verify access tokens (JWKS)",
        description="The active signing key first, then keys retired by a rotation that still verify "
                    "tokens they signed. Services verify every token against this set.",
        response_model=JwksOut,
    )
    async def jwks(request: Request) -> JSONResponse:
        return JSONResponse(runtime(request).keys.jwks(), headers={"Cache-Control": "public, max-age=60"})

    return router
