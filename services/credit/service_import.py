"""Bulk import of the subject registry: every row checked on its own, good rows written in batches,
each batch one transaction holding its subjects and their `sup.credit.subject.registered` events.

A well-formed row (nearly all of them) is checked by plain functions that accept exactly what the
API model accepts, and goes straight to its table row and event data. Any other row goes through
the API model (SubjectCreate) and the identifier checks, so a reported error is the one a single
registration would give. `tests/credit/test_import_rows.py` holds the two paths to each other.

Preparing a batch is pure (no database), so the CLI runs it beside the writes. For PostgreSQL it
produces the COPY text of both tables; for SQLite, tuples for one prepared INSERT each.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from json.encoder import encode_basestring
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.repository import (
    OUTBOX_COLUMNS,
    SUBJECT_COLUMNS,
    SubjectRepository,
)
from services.credit.schemas import SubjectCreate
from services.credit.service import WRITE_ROLES, require_role, shanghai_today
from services.credit.service_subjects import (
    check_identifiers,
    industry_risk_level,
    initial_state,
)
from shared.auth import Principal
from shared.contracts.credit import SubjectRegistered
from shared.errors import Unprocessable
from shared.identifiers import is_canonical_uscc, is_resident_id
from shared.ids import new_ids

IMPORT_COLUMNS = tuple(SubjectCreate.model_fields)
REQUIRED_COLUMNS = tuple(n for n, f in SubjectCreate.model_fields.items() if f.is_required())
_COLUMN_SET = frozenset(IMPORT_COLUMNS)
NULL = "\\N"  # COPY text format's NULL
_STATE_COLUMNS = ("grade", "grade_score", "grade_version", "graded_on", "risk_score", "risk_level", "risk_alerted",
                  "risk_version")
# The row builders below write the subjects table's columns in this order.
assert SUBJECT_COLUMNS == ["id", "uscc", "name", "subject_type", "legal_rep_name", "legal_rep_id",
                           "registered_address", "district", "industry_code", "industry_risk", "registered_on",
                           "status", "status_on", *_STATE_COLUMNS, "version", "created_at", "updated_at"]
assert OUTBOX_COLUMNS == ["event_id", "event_type", "version", "source", "subject", "occurred_at", "data",
                          "traceparent", "attempts"]


# --- the plain checks: the constraints of SubjectCreate, read from the model itself ------------


def _constraint(name: str, attr: str) -> Any:
    for m in SubjectCreate.model_fields[name].metadata:
        if getattr(m, attr, None) is not None:
            return getattr(m, attr)
    raise LookupError(f"SubjectCreate.{name} has no {attr}")


def _literal(name: str) -> frozenset[str]:
    from typing import get_args

    return frozenset(get_args(SubjectCreate.model_fields[name].annotation))


def _length(name: str) -> tuple[int, int]:
    return _constraint(name, "min_length"), _constraint(name, "max_length")


def _pattern(name: str):
    # Python's `$` also matches before a final newline; fullmatch is the model's (Rust) meaning.
    return re.compile(_constraint(name, "pattern").removeprefix("^").removesuffix("$"), re.ASCII).fullmatch


_NAME_LEN, _REP_NAME_LEN, _ADDRESS_LEN = _length("name"), _length("legal_rep_name"), _length("registered_address")
_DISTRICT_LEN, _INDUSTRY_LEN = _length("district"), _length("industry_code")
_DISTRICT_OK, _INDUSTRY_OK = _pattern("district"), _pattern("industry_code")
_SUBJECT_TYPES, _STATUSES = _literal("subject_type"), _literal("status")
_DEFAULT_STATUS = SubjectCreate.model_fields["status"].default
assert _length("uscc") == (18, 18) and _length("legal_rep_id") == (18, 18)
assert _constraint("uscc", "pattern") == r"^[0-9A-Za-z]{18}$"
assert _constraint("legal_rep_id", "pattern") == r"^[0-9]{17}[0-9Xx]$"

# Districts, industry codes and dates repeat across millions of rows: each is checked once.
_MEMO_LIMIT = 50_000
_good_districts: set[str] = set()
_good_industries: set[str] = set()
_dates: dict[str, date] = {}


def _district_ok(v: str) -> bool:
    if v in _good_districts:
        return True
    if _DISTRICT_LEN[0] <= len(v) <= _DISTRICT_LEN[1] and _DISTRICT_OK(v):
        if len(_good_districts) < _MEMO_LIMIT:
            _good_districts.add(v)
        return True
    return False


def _industry_ok(v: str) -> bool:
    if v in _good_industries:
        return True
    if _INDUSTRY_LEN[0] <= len(v) <= _INDUSTRY_LEN[1] and _INDUSTRY_OK(v):
        if len(_good_industries) < _MEMO_LIMIT:
            _good_industries.add(v)
        return True
    return False


def _iso_date(v: str) -> date | None:
    """The date of a plain YYYY-MM-DD; None for anything else (the model then decides)."""
    d = _dates.get(v)
    if d is None:
        if len(v) != 10 or v[4] != "-" or v[7] != "-" or not v.isascii():
            return None
        try:
            d = date.fromisoformat(v)
        except ValueError:
            return None
        if len(_dates) < _MEMO_LIMIT:
            _dates[v] = d
    return d


def _text_ok(v: str, bounds: tuple[int, int]) -> bool:
    # `strip() is v`: nothing to strip (CPython returns the same object), so the model sees v as is.
    return v.strip() is v and bounds[0] <= len(v) <= bounds[1]


def plain_check(cells: Sequence[Any], *, blank_is_absent: bool = True) -> tuple | None:
    """The normalised values of a row (cells in IMPORT_COLUMNS order, None for absent; "" too for a
    CSV row) that SubjectCreate and the identifier checks accept as they are; None for any other row."""
    uscc, name, stype, rep_name, rep_id, address, district, industry, registered, status = cells
    if not (type(uscc) is str and type(name) is str and type(stype) is str and type(rep_name) is str
            and type(rep_id) is str and type(address) is str and type(district) is str
            and type(industry) is str):
        return None
    uscc = uscc.upper()
    if not is_canonical_uscc(uscc):  # legacy codes and look-alike characters: the model's path decides
        return None
    if stype not in _SUBJECT_TYPES or not _text_ok(name, _NAME_LEN) or not _text_ok(rep_name, _REP_NAME_LEN) \
            or not _text_ok(address, _ADDRESS_LEN) or not _district_ok(district) or not _industry_ok(industry):
        return None
    if len(rep_id) != 18 or not rep_id.isascii() or not rep_id[:17].isdigit() or rep_id[17] not in "0123456789Xx" \
            or not is_resident_id(rep_id):
        return None
    if registered is None or (blank_is_absent and registered == ""):
        registered = None
    elif type(registered) is not str or (registered := _iso_date(registered)) is None:
        return None
    if status is None or (blank_is_absent and status == ""):
        status = _DEFAULT_STATUS
    elif type(status) is not str or status not in _STATUSES:
        return None
    return uscc, name, stype, rep_name, rep_id.upper(), address, district, industry, registered, status


def _model_values(data: SubjectCreate) -> tuple:
    return (data.uscc.upper(), data.name, data.subject_type, data.legal_rep_name, data.legal_rep_id.upper(),
            data.registered_address, data.district, data.industry_code, data.registered_on, data.status)


# --- reading ---------------------------------------------------------------------------------


def check_header(fieldnames: list[str] | None) -> list[str]:
    """The CSV header, which must name every required column and nothing unknown."""
    header = [h.strip().lstrip("\ufeff") for h in (fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in IMPORT_COLUMNS]
    if missing or unknown:
        problems = ([f"missing columns {missing}"] if missing else []) + ([f"unknown columns {unknown}"] if unknown else [])
        raise Unprocessable.field("body.header", "csv.columns",
                                  f"{'; '.join(problems)}; expected {list(IMPORT_COLUMNS)}")
    return header


def csv_rows(lines) -> Iterator[list[str] | dict[str, str]]:
    """Rows of a CSV (any iterable of lines) after checking the header: each a list of cells in
    IMPORT_COLUMNS order ("" where absent), or a dict naming the problem when the row's width is wrong."""
    reader = csv.reader(lines)
    header = check_header(next(reader, None))
    width = len(header)
    order = None if header == list(IMPORT_COLUMNS) else [header.index(c) if c in header else None
                                                         for c in IMPORT_COLUMNS]
    for cells in reader:
        if not cells:
            continue
        if len(cells) != width:
            row = {k: v for k, v in zip(header, cells) if v != ""}
            row["__cells__"] = f"{len(cells)} cells where the header has {width} columns"
            yield row
        elif order is None:
            yield cells
        else:
            yield [cells[i] if i is not None else "" for i in order]


def parse_csv(text: str) -> list[list[str] | dict[str, str]]:
    return list(csv_rows(io.StringIO(text.lstrip("\ufeff"))))


# --- preparing a batch -----------------------------------------------------------------------


@dataclass
class ImportBatchResult:
    received: int = 0
    loaded: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PreparedBatch:
    """A batch checked and turned into rows of the subjects and outbox tables (no database needed).

    `copy` batches hold one COPY text line per row (`subject_lines`, `event_lines`); the others
    hold tuples in SUBJECT_COLUMNS order and event (id, JSON data) pairs."""

    received: int
    first_row: int
    numbers: list[int]  # row number of each prepared row
    usccs: list[str]
    errors: list[dict[str, Any]]
    copy: bool
    subject_rows: list[tuple] = field(default_factory=list)
    events: list[tuple[str, str]] = field(default_factory=list)
    subject_lines: list[str] = field(default_factory=list)
    event_lines: list[str] = field(default_factory=list)

    def without(self, usccs: set[str]) -> PreparedBatch:
        """The batch less the rows of `usccs` (already registered when it is written)."""
        keep = [i for i, u in enumerate(self.usccs) if u not in usccs]

        def pick(values: list) -> list:
            return [values[i] for i in keep] if values else values

        return PreparedBatch(self.received, self.first_row, pick(self.numbers), pick(self.usccs), self.errors,
                             self.copy, pick(self.subject_rows), pick(self.events), pick(self.subject_lines),
                             pick(self.event_lines))


def _row_errors(n: int, raw: dict[str, Any]) -> tuple[tuple | None, list[dict[str, Any]]]:
    """The model's verdict on a row the plain checks did not accept: its values, or its errors."""
    if "__cells__" in raw:
        return None, [{"row": n, "field": "row", "rule": "csv.cells", "message": raw["__cells__"]}]
    try:
        data = SubjectCreate.model_validate(raw)
    except ValidationError as exc:
        return None, [{"row": n, "field": ".".join(str(p) for p in e["loc"]) or "row", "rule": e["type"],
                       "message": e["msg"]} for e in exc.errors()]
    problems = check_identifiers(data)
    if problems:
        return None, [{"row": n, "field": f, "rule": r, "message": m} for f, r, m in problems]
    return _model_values(data), []


def check_rows(rows: Sequence[Any], first_row: int) -> tuple[list[tuple], list[int], list[dict[str, Any]]]:
    """(normalised values of the valid rows, their row numbers, errors of the others)."""
    good: list[tuple] = []
    numbers: list[int] = []
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(rows, first_row):
        values = None
        if type(raw) is list:
            values = plain_check(raw)
            if values is None:
                raw = {k: v for k, v in zip(IMPORT_COLUMNS, raw) if v != ""}
        elif _COLUMN_SET.issuperset(raw):
            values = plain_check([raw.get(c) for c in IMPORT_COLUMNS], blank_is_absent=False)
        if values is None:
            values, problems = _row_errors(n, raw)
            if values is None:
                errors.extend(problems)
                continue
        code = values[0]
        if code in seen:
            errors.append({"row": n, "field": "uscc", "rule": "uscc.duplicate",
                           "message": f"{code} already appears in row {seen[code]} of this import"})
            continue
        seen[code] = n
        good.append(values)
        numbers.append(n)
    return good, numbers, errors


def _copy_text(value: str) -> str:
    """A value in PostgreSQL's COPY text format."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _copy_text(str(value))


def _event_data(uscc: str, name: str, stype: str, district: str, industry: str, registered: str | None,
                status: str, grade: str) -> str:
    """`subject.registered` data as JSON, byte for byte what json.dumps(ensure_ascii=False) gives: only
    the name can need escaping, the other values passed patterns or are literals."""
    reg = f'"{registered}"' if registered else "null"
    return (f'{{"uscc":"{uscc}","name":{encode_basestring(name)},"subject_type":"{stype}","district":"{district}",'
            f'"industry_code":"{industry}","registered_on":{reg},"status":"{status}","grade":"{grade}"}}')


def prepare_batch(rows: Sequence[Any], first_row: int, as_of: date, *, copy: bool = False,
                  source: str = "/supervision/credit", traceparent: str | None = None) -> PreparedBatch:
    """The CPU part of an import batch (checks, table rows, event data): pure, so it can run beside
    the writes. `rows` are csv_rows lists or dicts of the CSV columns (the JSON API)."""
    good, numbers, errors = check_rows(rows, first_row)
    now = datetime.now(UTC)
    batch = PreparedBatch(len(rows), first_row, numbers, [v[0] for v in good], errors, copy)
    ids = new_ids(2 * len(good))
    risks: dict[str, str] = {}
    states = {level: initial_state(level, as_of) for level in ("low", "medium", "high")}
    grades = {level: state["grade"] for level, state in states.items()}
    tails = {level: (*(s[c] for c in _STATE_COLUMNS), 1, now, now) for level, s in states.items()}
    if copy:
        tails = {level: "\t".join(map(_copy_value, tail)) for level, tail in tails.items()}
        event_head = f"{SubjectRegistered.event_type}\t{SubjectRegistered.event_version}\t{_copy_text(source)}\t"
        occurred = f"\t{now.isoformat()}\t"
        event_tail = f"\t{_copy_value(traceparent)}\t0\n"
    for (uscc, name, stype, rep_name, rep_id, address, district, industry, registered, status), sid, eid \
            in zip(good, ids[::2], ids[1::2]):
        risk = risks.get(industry) or risks.setdefault(industry, industry_risk_level(industry, as_of))
        reg = registered.isoformat() if registered else None
        data = _event_data(uscc, name, stype, district, industry, reg, status, grades[risk])
        if copy:
            # Only the free-text fields can hold characters COPY escapes: the others passed patterns.
            batch.subject_lines.append(
                f"{sid}\t{uscc}\t{_copy_text(name)}\t{stype}\t{_copy_text(rep_name)}\t{rep_id}\t"
                f"{_copy_text(address)}\t{district}\t{industry}\t{risk}\t{reg or NULL}\t{status}\t{NULL}\t"
                f"{tails[risk]}\n")
            batch.event_lines.append(f"{eid}\t{event_head}{uscc}{occurred}{_copy_text(data)}{event_tail}")
        else:
            batch.subject_rows.append((sid, uscc, name, stype, rep_name, rep_id, address, district, industry, risk,
                                       registered, status, None, *tails[risk]))
            batch.events.append((eid, data))
    return batch


# --- writing ---------------------------------------------------------------------------------


async def write_batch(session: AsyncSession, batch: PreparedBatch,
                      registered_elsewhere: set[str] | frozenset[str] = frozenset()) -> ImportBatchResult:
    """Write a prepared batch in the caller's transaction: subjects already registered (or being
    registered by an earlier batch still in flight: `registered_elsewhere`) are reported, the others
    written with one bulk statement per table (COPY on PostgreSQL)."""
    result = ImportBatchResult(received=batch.received, errors=list(batch.errors))
    repo = SubjectRepository(session)
    existing = await repo.existing_usccs(batch.usccs)
    if registered_elsewhere:
        existing |= registered_elsewhere.intersection(batch.usccs)
    if existing:
        result.errors.extend({"row": n, "field": "uscc", "rule": "uscc.registered",
                              "message": f"{u} is already registered"}
                             for n, u in zip(batch.numbers, batch.usccs) if u in existing)
        result.errors.sort(key=lambda e: e["row"])
        batch = batch.without(existing)
    if batch.copy:
        await repo.copy_subject_lines(batch.subject_lines)
        await repo.copy_outbox_lines(batch.event_lines)
    else:
        await repo.bulk_insert_tuples(batch.subject_rows)
        await repo.bulk_add_event_data(SubjectRegistered.event_type, SubjectRegistered.event_version,
                                       batch.events, batch.usccs)
    result.loaded = len(batch.usccs)
    return result


async def import_batch(session: AsyncSession, rows: Sequence[Any], first_row: int = 1,
                       as_of: date | None = None) -> ImportBatchResult:
    """Check and load one batch in the caller's transaction: bad rows reported, good rows loaded."""
    from shared.tracing import current_traceparent

    db = session.info["database"]
    batch = prepare_batch(rows, first_row, as_of or shanghai_today(), copy=db.dialect == "postgresql",
                          source=f"/supervision/{db.service}", traceparent=current_traceparent())
    return await write_batch(session, batch)


def authorise_import(principal: Principal) -> None:
    require_role(principal, *WRITE_ROLES)
