"""Opaque cursors and ETags shared by every list endpoint."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from shared.errors import Unprocessable

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True, default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise ValueError
        return value
    except (ValueError, UnicodeDecodeError):
        raise Unprocessable.field("cursor", "cursor.opaque", "not a cursor this API issued; start again without it") from None


def etag_for(payload: bytes) -> str:
    return '"' + hashlib.blake2b(payload, digest_size=16).hexdigest() + '"'
