"""Canonical bytes of records and log entries, for hashing into the tamper-evident log.

Format (RFC 8785 "JCS" for the subset of values we allow):
- JSON, UTF-8, no insignificant whitespace;
- object members sorted by key, comparing keys as UTF-16 code units (as JCS does);
- strings escaped as JCS/ECMAScript: only `"`, `\\`, and control characters (U+0000-U+001F,
  as \\b \\f \\n \\r \\t or lowercase \\u00xx); everything else literal UTF-8;
- integers only, within ±(2**53 - 1) (I-JSON); floats and Decimals are refused, because
  their text form is where JSON encoders disagree: carry amounts as integer fen or strings;
- `date` → "YYYY-MM-DD"; aware `datetime` → UTC ISO 8601 with "Z"
  (e.g. "2024-05-06T07:08:09Z", microseconds only when non-zero); naive datetimes refused;
- `UUID` → its lowercase string; `Enum` → its value; tuples as arrays.
The same record therefore always yields the same bytes, in any process and any language that
implements JCS.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

MAX_SAFE_INTEGER = 2**53 - 1


def _key_order(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def canonical_timestamp(value: datetime) -> str:
    """UTC ISO 8601 with "Z"; naive datetimes are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: timestamps must be timezone-aware")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, Enum):
        _encode(value.value, out)
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"integer {value} outside the I-JSON safe range")
        out.append(str(value))
    elif isinstance(value, float):
        raise TypeError("floats are not canonicalised: use integers or strings")
    elif isinstance(value, str):
        value.encode("utf-8")  # refuses lone surrogates
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, datetime):
        out.append('"' + canonical_timestamp(value) + '"')
    elif isinstance(value, date):
        out.append('"' + value.isoformat() + '"')
    elif isinstance(value, UUID):
        out.append('"' + str(value) + '"')
    elif isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("object keys must be strings")
        out.append("{")
        for i, key in enumerate(sorted(value, key=_key_order)):
            if i:
                out.append(",")
            _encode(key, out)
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"cannot canonicalise {type(value).__name__}")


def canonical_bytes(record: Mapping[str, Any]) -> bytes:
    out: list[str] = []
    _encode(record, out)
    return "".join(out).encode("utf-8")


def record_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical bytes, lowercase hex: what a log entry commits to."""
    return hashlib.sha256(canonical_bytes(record)).hexdigest()


LOG_ACTIONS = frozenset({"publish", "withdraw"})
LOG_ENTRY_KEYS = frozenset({"seq", "action", "record_id", "record_hash", "at"})
_HEX64 = re.compile(r"[0-9a-f]{64}")


def validate_log_entry(entry: Mapping[str, Any]) -> None:
    keys = set(entry)
    if keys != LOG_ENTRY_KEYS:
        raise ValueError(
            f"log entry keys must be {sorted(LOG_ENTRY_KEYS)}, got {sorted(keys)}"
        )
    seq = entry["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError("seq must be a non-negative integer")
    if entry["action"] not in LOG_ACTIONS:
        raise ValueError(f"action must be one of {sorted(LOG_ACTIONS)}")
    if not isinstance(entry["record_id"], (str, UUID)) or not str(entry["record_id"]):
        raise ValueError("record_id must be a non-empty string")
    if not isinstance(entry["record_hash"], str) or not _HEX64.fullmatch(
        entry["record_hash"]
    ):
        raise ValueError("record_hash must be 64 lowercase hex characters")
    if not isinstance(entry["at"], datetime) or entry["at"].tzinfo is None:
        raise ValueError("at must be a timezone-aware datetime")


def record_leaf(entry: Mapping[str, Any]) -> bytes:
    """The leaf data of one log entry: {seq, action, record_id, record_hash, at}, canonical.

    The Merkle leaf hash is `shared.merkle.leaf_hash(record_leaf(entry))` (RFC 6962: SHA-256
    of 0x00 || data); see `record_leaf_hash`.
    """
    validate_log_entry(entry)
    return canonical_bytes(entry)


def record_leaf_hash(entry: Mapping[str, Any]) -> bytes:
    from shared.merkle import leaf_hash  # the log's Merkle maths lives in shared/

    return leaf_hash(record_leaf(entry))
