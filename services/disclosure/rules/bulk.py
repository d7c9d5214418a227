"""Bulk CSV download of published records.

Decisions:
- a fixed column list per record type (`CSV_COLUMNS`); fields not listed are never written,
  so an unexpected field cannot leak, and columns never shift between downloads;
- the header row is the stable English column keys (integrators parse them; they are the
  same names as the JSON API);
- UTF-8 with a byte-order mark, so Excel on Chinese Windows opens it as UTF-8 rather than
  GBK; CRLF line ends (RFC 4180); every field quoted only when needed;
- dates ISO 8601, timestamps UTC with "Z", None as an empty cell, lists joined with ";";
- text starting with = + - @ (and tab/CR) gets a leading apostrophe so a spreadsheet does not
  run it as a formula (CSV injection); plain numbers like "-5" are left as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from services.disclosure.rules.canonical import canonical_timestamp
from services.disclosure.rules.publicity import RecordType

BOM = "\ufeff"

_COMMON_HEAD = ("record_id", "published_on")
CSV_COLUMNS: dict[RecordType, tuple[str, ...]] = {
    RecordType.INSPECTION_PLAN: _COMMON_HEAD
    + (
        "plan_no",
        "title",
        "department",
        "items",
        "scope",
        "period_start",
        "period_end",
        "ratio",
    ),
    RecordType.INSPECTION_DRAW: _COMMON_HEAD
    + ("plan_no", "drawn_at", "seed_commitment", "objects_drawn", "inspectors_drawn"),
    RecordType.INSPECTION_RESULT: _COMMON_HEAD
    + (
        "plan_no",
        "subject_name",
        "uscc",
        "item",
        "result",
        "inspected_on",
        "department",
    ),
    RecordType.PENALTY_DECISION: _COMMON_HEAD
    + (
        "decision_no",
        "subject_name",
        "uscc",
        "legal_representative",
        "violation_type",
        "penalty_kinds",
        "fine_amount",
        "basis",
        "authority",
        "decided_on",
        "window_end",
    ),
    RecordType.LICENCE: _COMMON_HEAD
    + (
        "licence_no",
        "subject_name",
        "uscc",
        "licence_name",
        "by_commitment",
        "authority",
        "decided_on",
        "valid_from",
        "valid_until",
    ),
    RecordType.LIST_ENTRY: _COMMON_HEAD
    + (
        "list_kind",
        "subject_name",
        "uscc",
        "reason",
        "basis",
        "authority",
        "decided_on",
    ),
    RecordType.LIST_EXIT: _COMMON_HEAD
    + ("list_kind", "subject_name", "uscc", "reason", "authority", "decided_on"),
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime):
        return canonical_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(_cell(v) for v in value)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def render_csv(
    record_type: RecordType | str, records: Iterable[Mapping[str, Any]]
) -> str:
    columns = CSV_COLUMNS[RecordType(record_type)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(col)) for col in columns])
    return BOM + buf.getvalue()
