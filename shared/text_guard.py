"""Control characters never enter a record: a 422 naming the field, for every route alike.

A NUL or another C0 control character inside a JSON string, a form value or a query value is
valid transport but never a lawful text: it would be stored, signed into the log and published
(a subject name with U+0000 in the site's <title>), and PostgreSQL refuses NUL outright. Tab,
line feed and carriage return are ordinary text and stay allowed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

from shared.errors import Unprocessable

# C0 controls but tab, LF and CR; and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# JSON can only carry a control character escaped; a body without any of these escapes has none.
_JSON_ESCAPES = (b"\\u00", b"\\b", b"\\f", b"\\u007", b"\x7f")
RULE = "text.control_character"
MESSAGE = "control characters (U+0000-U+001F except tab and line breaks, U+007F) are not allowed"


def control_character_fields(value: Any, where: str) -> Iterator[str]:
    """The dotted names of every string (or key) in a JSON value that holds a control character."""
    if isinstance(value, str):
        if _CONTROL.search(value):
            yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}"
            if _CONTROL.search(key):
                yield name
            yield from control_character_fields(item, name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from control_character_fields(item, f"{where}.{i}")


def _pairs_with_control(pairs: list[tuple[str, str]], where: str) -> list[str]:
    return [f"{where}.{k}" for k, v in pairs if _CONTROL.search(k) or _CONTROL.search(v)]


def refusal(fields: list[str]) -> Unprocessable:
    return Unprocessable(f"{', '.join(fields[:5])}: {MESSAGE}",
                         errors=[{"field": f, "rule": RULE, "message": MESSAGE} for f in fields])


class ControlCharacterMiddleware:
    """Pure ASGI: reads a JSON or form body once, checks it, and hands the same bytes on."""

    def __init__(self, app: Any, respond: Callable[[Unprocessable], Any]) -> None:
        self.app = app
        self.respond = respond  # turns the refusal into the app's problem+json response

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fields: list[str] = []
        query = scope.get("query_string", b"")
        if query and b"%" in query:
            fields += _pairs_with_control(parse_qsl(query.decode("latin-1"), keep_blank_values=True), "query")
        content_type = b""
        for k, v in scope["headers"]:
            if k == b"content-type":
                content_type = v.split(b";", 1)[0].strip().lower()
        is_json = content_type.endswith(b"json")
        is_form = content_type == b"application/x-www-form-urlencoded"
        messages: list[dict] = []
        if (is_json or is_form) and scope["method"] in ("POST", "PUT", "PATCH"):
            body = b""
            while True:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request":
                    break
                body += message.get("body", b"")
                if not message.get("more_body", False):
                    break
            fields += self._body_fields(body, is_json)
        elif not fields:
            await self.app(scope, receive, send)
            return
        if fields:
            await self.respond(refusal(fields))(scope, receive, send)
            return
        replay = iter(messages)

        async def receive_again() -> dict:
            return next(replay, None) or await receive()

        await self.app(scope, receive_again, send)

    @staticmethod
    def _body_fields(body: bytes, is_json: bool) -> list[str]:
        if not body:
            return []
        if is_json:
            if not any(e in body for e in _JSON_ESCAPES):
                return []
            try:
                value = json.loads(body)
            except ValueError:  # the route's own parsing answers malformed JSON
                return []
            return list(control_character_fields(value, "body"))
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return _pairs_with_control(pairs, "body")
