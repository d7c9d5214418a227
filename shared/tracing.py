"""Request id and W3C trace context carried through a request, into logs and event headers."""

from __future__ import annotations

import os
import re
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
traceparent_var: ContextVar[str | None] = ContextVar("traceparent", default=None)

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def current_traceparent() -> str | None:
    return traceparent_var.get()


def child_traceparent(incoming: str | None) -> str:
    """Continue the caller's trace with a new span id, or start a trace."""
    m = _TRACEPARENT.match(incoming or "")
    trace_id = m.group(1) if m and m.group(1) != "0" * 32 else os.urandom(16).hex()
    flags = m.group(3) if m else "01"
    return f"00-{trace_id}-{os.urandom(8).hex()}-{flags}"
