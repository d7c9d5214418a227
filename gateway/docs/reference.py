"""The plain API reference page: the merged OpenAPI document rendered as one HTML page.

Operations grouped by tag, with parameters, request and response schemas, examples and who
may call them. No scripts, no external assets: /docs falls back to it without Swagger UI.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from gateway.docs.openapi import HTTP_METHODS

STYLE = """body{font-family:system-ui,sans-serif;max-width:70rem;margin:auto;padding:1rem;color:#222}
h2{border-bottom:2px solid #246;padding-top:1rem}.op{border:1px solid #ccd;border-radius:6px;margin:.8rem 0;padding:.6rem}
.m{display:inline-block;min-width:4.5rem;font-weight:bold;color:#fff;background:#468;border-radius:4px;text-align:center;margin-right:.5rem}
.m.post{background:#295}.m.delete{background:#a33}.m.patch,.m.put{background:#a72}
code,pre{background:#f4f4f8}pre{padding:.5rem;overflow:auto;max-height:20rem}table{border-collapse:collapse}
td,th{border:1px solid #ccd;padding:.2rem .5rem;text-align:left;vertical-align:top}.who{color:#555;font-size:.9em}"""


def json_block(value: Any) -> str:
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
           f"<style>{STYLE}</style></head><body><h1>{escape(info.get('title', 'API'))} <small>{escape(str(info.get('version', '')))}</small></h1>",
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
                out.append(f"<p>Request body <code>{escape(ctype)}</code>:</p><pre>{json_block(_resolve(doc, media.get('schema', {})))}</pre>")
            for status, resp in (op.get("responses") or {}).items():
                out.append(f"<p>Response <b>{escape(str(status))}</b>: {escape(resp.get('description', ''))}</p>")
                for ctype, media in (resp.get("content") or {}).items():
                    schema = media.get("schema")
                    if schema and str(status).startswith("2"):
                        out.append(f"<pre>{escape(ctype)}\n{json_block(_resolve(doc, schema))}</pre>")
            out.append("</div>")
    out.append("</body></html>")
    return "".join(out)
