"""Offline API docs: Swagger UI from local files, and a plain server-rendered reference page.

No CDN: Swagger UI's script and stylesheet are served from the `fastapi-offline` package's
files (Swagger UI 5, which reads OpenAPI 3.1) under /docs/static/. Without that package
/docs shows the reference page (gateway/docs/reference.py), rendered from the merged document.
The events: /asyncapi.json (AsyncAPI 3.0, gateway/docs/asyncapi.py) and its page /docs/asyncapi.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from gateway.docs.asyncapi import build_asyncapi, render_asyncapi_page
from gateway.docs.reference import render_reference


def swagger_static_dir() -> Path | None:
    try:
        import fastapi_offline
    except ImportError:
        return None
    d = Path(fastapi_offline.__file__).parent / "static"
    return d if (d / "swagger-ui-bundle.js").is_file() else None


STATIC_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css", "favicon.png": "image/png"}

SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Supervision platform API</title>
<link rel="icon" href="/docs/static/favicon.png"><link rel="stylesheet" href="/docs/static/swagger-ui.css">
</head><body>
<p style="font-family:sans-serif;margin:8px 16px">Plain reference without scripts: <a href="/docs/reference">/docs/reference</a>. The events (AsyncAPI): <a href="/docs/asyncapi">/docs/asyncapi</a></p>
<div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout", persistAuthorization: true});
</script></body></html>"""


def _asyncapi(request: Request) -> tuple[dict, bytes]:
    """Built once per process from the contract registry (contracts do not change while it runs)."""
    state = request.app.state
    if getattr(state, "asyncapi", None) is None:
        doc = build_asyncapi(state.settings.nats_url)
        state.asyncapi = (doc, json.dumps(doc, ensure_ascii=False).encode())
    return state.asyncapi


def docs_router() -> APIRouter:
    router = APIRouter(tags=["docs"], include_in_schema=False)

    @router.get("/asyncapi.json")
    async def asyncapi(request: Request) -> Response:
        return Response(_asyncapi(request)[1], media_type="application/json")

    @router.get("/docs/asyncapi")
    async def asyncapi_page(request: Request) -> HTMLResponse:
        return HTMLResponse(render_asyncapi_page(_asyncapi(request)[0]))

    @router.get("/openapi.json")
    async def openapi(request: Request, refresh: bool = Query(False)) -> Response:
        body = await request.app.state.openapi.document_bytes(refresh)
        return Response(body, media_type="application/json")

    @router.get("/docs")
    async def docs(request: Request) -> HTMLResponse:
        if swagger_static_dir() is None:
            return HTMLResponse(render_reference(await request.app.state.openapi.document()))
        return HTMLResponse(SWAGGER_PAGE)

    @router.get("/docs/reference")
    async def reference(request: Request) -> HTMLResponse:
        return HTMLResponse(render_reference(await request.app.state.openapi.document()))

    @router.get("/docs/static/{name}")
    async def static(name: str) -> Response:
        d = swagger_static_dir()
        if d is None or name not in STATIC_FILES:
            return Response(status_code=404)
        return FileResponse(d / name, media_type=STATIC_FILES[name], headers={"Cache-Control": "public, max-age=86400"})

    return router
