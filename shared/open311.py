"""Open311 GeoReport v2 on the wire, for casework (which serves it) and the gateway (which refuses
some of its calls itself): the format a path asks for, documents and errors in JSON or XML.

GeoReport v2 answers in the format named by the path's extension (`services.json`,
`requests/{id}.xml`); errors are a list of `{code, description}` (XML: `<errors><error>`), never
problem+json, because Open311 clients read only that shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

MEDIA_TYPES = {"json": "application/json", "xml": "text/xml; charset=utf-8"}
# The element of each list's items in the XML form, as the GeoReport v2 examples write them.
ITEM_TAGS = {"services": "service", "service_requests": "request", "attributes": "attribute",
             "values": "value", "errors": "error"}


def format_of(path: str) -> str | None:
    """`json` or `xml` from the path's extension; None when it names neither."""
    tail = path.rsplit("/", 1)[-1]
    _, dot, ext = tail.rpartition(".")
    return ext if dot and ext in MEDIA_TYPES else None


def _xml(tag: str, value: Any) -> str:
    if isinstance(value, Mapping):
        inner = "".join(_xml(k, v) for k, v in value.items())
    elif isinstance(value, Sequence) and not isinstance(value, str):
        item = ITEM_TAGS.get(tag, "item")
        inner = "".join(_xml(item, v) for v in value)
    elif value is None:
        return f"<{tag}/>"
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{tag}>{inner}</{tag}>"


def render(fmt: str, root: str, document: Any) -> bytes:
    """A document as JSON (as it is) or XML (`root` the top element, lists by ITEM_TAGS)."""
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="utf-8"?>\n' + _xml(root, document)).encode()
    return json.dumps(document, ensure_ascii=False, default=str).encode()


def error_body(fmt: str | None, errors: Sequence[tuple[int, str]]) -> tuple[bytes, str]:
    """(body, media type) of an Open311 error list; JSON when the path named no format."""
    fmt = fmt or "json"
    doc = [{"code": code, "description": description} for code, description in errors]
    return render(fmt, "errors", doc), MEDIA_TYPES[fmt]
