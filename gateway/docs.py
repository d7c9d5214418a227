"""Offline API docs: Swagger UI from local files, and a plain server-rendered reference page.

No CDN: Swagger UI's script and stylesheet are served from the `fastapi-offline` package's
files (Swagger UI 5, which reads OpenAPI 3.1) under /docs/static/. Without that package
/docs shows the reference page, rendered here from the merged document: operations grouped
by tag, with parameters, request and response schemas, examples and who may call them.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from gateway.openapi import HTTP_METHODS


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
<p style="font-family:sans-serif;margin:8px 16px">Plain reference without scripts: <a href="/docs/reference">/docs/reference</a></p>
<div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout", persistAuthorization: true});
</script></body></html>"""

_STYLE = """body{font-family:system-ui,sans-serif;max-width:70rem;margin:auto;padding:1rem;color:#222}
h2{border-bottom:2px solid #246;padding-top:1rem}.op{border:1px solid #ccd;border-radius:6px;margin:.8rem 0;padding:.6rem}
.m{display:inline-block;min-width:4.5rem;font-weight:bold;color:#fff;background:#468;border-radius:4px;text-align:center;margin-right:.5rem}
.m.post{background:#295}.m.delete{background:#a33}.m.patch,.m.put{background:#a72}
code,pre{background:#f4f4f8}pre{padding:.5rem;overflow:auto;max-height:20rem}table{border-collapse:collapse}
td,th{border:1px solid #ccd;padding:.2rem .5rem;text-align:left;vertical-align:top}.who{color:#555;font-size:.9em}"""


def _json(value: Any) -> str:
    return escape(json.dumps(value, ensure_ascii=False, indent=2))


def _resolve(doc: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """Inline `$ref`s a few levels deep so a schema reads on its own."""
    if depth > 4:
        return node
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            _, _, section, name = ref.split("/", 3)
            target = doc.get("components", {}).get(section, {}).get(name, {})
            return {"title": name, **_resolve(doc, target, depth + 1)}
        return {k: _resolve(doc, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(doc, v, depth + 1) for v in node]
    return node


def render_reference(doc: dict[str, Any]) -> str:
    """The merged OpenAPI document as one HTML page (no scripts, no external assets)."""
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                for tag in op.get("tags") or ["other"]:
                    by_tag.setdefault(tag, []).append((path, method, op))
    descriptions = {t["name"]: t.get("description", "") for t in doc.get("tags", [])}
    info = doc.get("info", {})
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(info.get('title', 'API'))}</title>",
           f"<style>{_STYLE}</style></head><body><h1>{escape(info.get('title', 'API'))} <small>{escape(str(info.get('version', '')))}</small></h1>",
           f"<pre style='white-space:pre-wrap;max-height:none'>{escape(info.get('description', ''))}</pre>",
           "<p>Machine-readable: <a href='/openapi.json'>/openapi.json</a>. Contents: "
           + ", ".join(f"<a href='#tag-{escape(t)}'>{escape(t)}</a>" for t in sorted(by_tag)) + "</p>"]
    for tag in sorted(by_tag):
        out.append(f"<h2 id='tag-{escape(tag)}'>{escape(tag)}</h2><p>{escape(descriptions.get(tag, ''))}</p>")
        for path, method, op in sorted(by_tag[tag]):
            out.append(f"<div class='op' id='{escape(op.get('operationId', ''))}'><span class='m {method}'>{method.upper()}</span>"
                       f"<code>{escape(path)}</code> — <b>{escape(op.get('summary', ''))}</b>"
                       f" <small><code>{escape(op.get('operationId', ''))}</code></small>")
            if op.get("description"):
                out.append(f"<p>{escape(op['description'])}</p>")
            note = op.get("x-policy")
            if note is not None:
                who = "anyone (public, no token)" if note.get("public") else "a bearer token; " + "; ".join(
                    filter(None, [("roles: " + ", ".join(note.get("department_roles", []))) if note.get("department_roles") else "",
                                  ("service clients: " + ", ".join(note.get("service_clients", []))) if note.get("service_clients") else ""]))
                out.append(f"<p class='who'>Who may call: {escape(who)} (policy groups {escape(', '.join(note.get('route_groups', [])))})</p>")
            params = op.get("parameters") or []
            if params:
                out.append("<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>")
                for p in params:
                    out.append(f"<tr><td><code>{escape(p.get('name', ''))}</code></td><td>{escape(p.get('in', ''))}</td>"
                               f"<td>{'yes' if p.get('required') else 'no'}</td><td><code>{escape(json.dumps(p.get('schema', {}), ensure_ascii=False))}</code></td>"
                               f"<td>{escape(p.get('description', '') or p.get('schema', {}).get('description', ''))}</td></tr>")
                out.append("</table>")
            body = op.get("requestBody", {}).get("content", {})
            for ctype, media in body.items():
                out.append(f"<p>Request body <code>{escape(ctype)}</code>:</p><pre>{_json(_resolve(doc, media.get('schema', {})))}</pre>")
            for status, resp in (op.get("responses") or {}).items():
                out.append(f"<p>Response <b>{escape(str(status))}</b>: {escape(resp.get('description', ''))}</p>")
                for ctype, media in (resp.get("content") or {}).items():
                    schema = media.get("schema")
                    if schema and str(status).startswith("2"):
                        out.append(f"<pre>{escape(ctype)}\n{_json(_resolve(doc, schema))}</pre>")
            out.append("</div>")
    out.append("</body></html>")
    return "".join(out)


def docs_router() -> APIRouter:
    router = APIRouter(tags=["docs"], include_in_schema=False)

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
