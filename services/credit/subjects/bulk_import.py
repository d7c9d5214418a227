"""Bulk import of the subject registry: every row checked on its own, good rows written in batches,
each batch one transaction holding its subjects and their `sup.credit.subject.registered` events.

The checks are in import_checks.py. Preparing a batch is pure (no database), so the CLI runs it
beside the writes: it reads a run of plain CSV lines straight into columns, checks them column by
column and builds the rows of both tables column by column too: binary COPY records for PostgreSQL
(the server parses no text), tuples for one prepared INSERT each on SQLite.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice, repeat
from json.encoder import encode_basestring
from operator import add
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.subjects.import_checks import (  # noqa: F401  (the import's checks, re-exported)
    _ADDRESS_LEN,
    _NAME_LEN,
    _REP_NAME_LEN,
    IMPORT_COLUMNS,
    REQUIRED_COLUMNS,
    ImportRow,
    _row_errors,
    check_columns,
    check_rows,
    plain_check,
)
from services.credit.subjects.repository import (  # noqa: F401  (UsccTaken: raised by write_batch)
    OUTBOX_COLUMNS,
    SUBJECT_COLUMNS,
    SUBJECT_TABLE,
    SubjectRepository,
    UsccTaken,
)
from services.credit.subjects.service import (
    WRITE_ROLES,
    industry_risk_level,
    initial_state,
    require_registration_authority,
    require_role,
)
from shared import pgcopy
from shared.auth import Principal
from shared.clock import shanghai_today
from shared.contracts.credit import SubjectRegistered
from shared.errors import Unprocessable
from shared.ids import new_id_bytes, new_ids

_STATE_COLUMNS = ("grade", "grade_score", "grade_version", "graded_on", "risk_score", "risk_level", "risk_alerted",
                  "risk_version")
# The row builders below write the subjects table's columns in this order.
assert SUBJECT_COLUMNS == ["id", "uscc", "name", "subject_type", "legal_rep_name", "legal_rep_id",
                           "registered_address", "district", "industry_code", "industry_risk", "registered_on",
                           "status", "status_on", *_STATE_COLUMNS, "version", "created_at", "updated_at"]
assert OUTBOX_COLUMNS == ["event_id", "event_type", "version", "source", "subject", "occurred_at", "data",
                          "traceparent", "attempts"]
# A free-text field's UTF-8 bytes (at most 4 a character) have their length word in the table.
assert 4 * max(_NAME_LEN[1], _REP_NAME_LEN[1], _ADDRESS_LEN[1]) <= pgcopy.LENGTHS_UPTO


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


def _order(header: list[str]) -> list[int | None] | None:
    """Where each of IMPORT_COLUMNS is in the header (None: absent); None when it is IMPORT_COLUMNS."""
    return None if header == list(IMPORT_COLUMNS) else [header.index(c) if c in header else None
                                                        for c in IMPORT_COLUMNS]


def _records(reader, header: list[str]) -> Iterator[list[str] | dict[str, str]]:
    width, order = len(header), _order(header)
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


def csv_rows(lines) -> Iterator[list[str] | dict[str, str]]:
    """Rows of a CSV (any iterable of lines) after checking the header: each a list of cells in
    IMPORT_COLUMNS order ("" where absent), or a dict naming the problem when the row's width is wrong."""
    reader = csv.reader(lines)
    return _records(reader, check_header(next(reader, None)))


def parse_csv(text: str) -> list[list[str] | dict[str, str]]:
    return list(csv_rows(io.StringIO(text.lstrip("\ufeff"))))


class CellColumns(NamedTuple):
    """A batch of CSV rows as columns of cells in IMPORT_COLUMNS order ("" where absent)."""

    columns: list[list[str]]
    count: int


class _Lines:
    """A file's lines with room to put some back (for csv.reader after a look at them)."""

    def __init__(self, f) -> None:
        self.f, self.back = f, []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        return self.back.pop() if self.back else next(self.f)

    def take(self, n: int) -> list[str]:
        lines = [self.back.pop() for _ in range(min(n, len(self.back)))]
        return lines + list(islice(self.f, n - len(lines)))


def _plain_columns(lines: list[str], width: int) -> list[list[str]] | None:
    """The cells of lines that csv.reader would read one record a line with no quoting (no quote, no
    NUL, no bare CR, no blank line, every line width cells), split all at once; None for others."""
    chunk = "".join(lines)
    if '"' in chunk or "\0" in chunk or set(map(str.count, lines, repeat(","))) != {width - 1}:
        return None
    # Every line ends with its own line break but the file's last: each break becomes one more comma.
    text = chunk.replace("\r\n", ",") if "\r" in chunk else chunk
    if "\r" in text:
        return None
    cells = (text.replace("\n", ",") if "\n" in text else text).split(",")
    if chunk[-1] in "\r\n":
        cells.pop()
    return [cells[k::width] for k in range(width)]


def csv_batches(f, batch_size: int) -> Iterator[CellColumns | list[list[str] | dict[str, str]]]:
    """csv_rows of an open file (newline=""), batch_size rows at a time: a run of plain lines as
    CellColumns, anything else (quoted cells, blank lines, wrong widths) as csv_rows reads it."""
    lines = _Lines(f)
    reader = csv.reader(lines)
    header = check_header(next(reader, None))
    width, order = len(header), _order(header)
    records = _records(reader, header)
    while chunk := lines.take(batch_size):
        columns = _plain_columns(chunk, width)
        if columns is not None:
            if order is not None:
                columns = [columns[i] if i is not None else [""] * len(chunk) for i in order]
            yield CellColumns(columns, len(chunk))
        else:
            lines.back.extend(reversed(chunk))
            if rows := list(islice(records, batch_size)):
                yield rows


# --- preparing a batch -----------------------------------------------------------------------


@dataclass
class ImportBatchResult:
    received: int = 0
    loaded: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PreparedBatch:
    """A batch checked and turned into rows of the subjects and outbox tables (no database needed).

    `copy` batches hold one binary COPY record per row (`subject_records`, `event_records`); the
    others hold tuples in SUBJECT_COLUMNS order and event (id, JSON data) pairs."""

    received: int
    first_row: int
    numbers: list[int]  # row number of each prepared row
    usccs: list[str]
    errors: list[dict[str, Any]]
    copy: bool
    subject_rows: list[tuple] = field(default_factory=list)
    events: list[tuple[str, str]] = field(default_factory=list)
    subject_records: list[bytes] = field(default_factory=list)
    event_records: list[bytes] = field(default_factory=list)

    def without(self, usccs: set[str]) -> PreparedBatch:
        """The batch less the rows of `usccs` (already registered when it is written)."""
        keep = [i for i, u in enumerate(self.usccs) if u not in usccs]

        def pick(values: list) -> list:
            return [values[i] for i in keep] if values else values

        return PreparedBatch(self.received, self.first_row, pick(self.numbers), pick(self.usccs), self.errors,
                             self.copy, pick(self.subject_rows), pick(self.events), pick(self.subject_records),
                             pick(self.event_records))


_EVENT_JSON = ('{"uscc":"%s","name":%s,"subject_type":"%s","district":"%s","industry_code":"%s",'
               '"registered_on":%s,"status":"%s","grade":"%s"}')
_SUBJECT_ENCODERS = {c: pgcopy.encoder_for(SUBJECT_TABLE.c[c].type) for c in SUBJECT_COLUMNS}
_SUBJECT_HEAD = pgcopy.field_count(len(SUBJECT_COLUMNS)) + pgcopy.length(36)  # then the id
_EVENT_HEAD = pgcopy.field_count(len(OUTBOX_COLUMNS)) + pgcopy.length(36)  # then the event id
_LENGTH18 = pgcopy.length(18)
_length_word = pgcopy.LENGTHS.__getitem__


def _event_data(usccs, names, stypes, districts, industries, dates, statuses, grades) -> list[str]:
    """`subject.registered` data as JSON, byte for byte what json.dumps(ensure_ascii=False) gives: only
    the name can need escaping, the other values passed patterns or are literals."""
    registered = {d: f'"{d.isoformat()}"' if d else "null" for d in set(dates)}
    return list(map(_EVENT_JSON.__mod__, zip(usccs, map(encode_basestring, names), stypes, districts, industries,
                                             map(registered.__getitem__, dates), statuses, grades)))


def _encoded(values: Sequence[str]) -> tuple[list[bytes], Iterator[bytes]]:
    """Free text as UTF-8 bytes, and the length words that go before them."""
    b = list(map(str.encode, values))
    return b, map(_length_word, map(len, b))


def _copy_records(batch: PreparedBatch, values: list[list], ids: list[bytes], per_industry: dict,
                  now: datetime, source: str, traceparent: str | None) -> None:
    usccs, names, stypes, rep_names, rep_ids, addresses, districts, industries, dates, statuses = values
    text = {v: pgcopy.text(v) for v in {*stypes, *districts, *statuses}}
    day = {d: pgcopy.date_(d) for d in set(dates)}
    stamp = pgcopy.timestamptz(now)
    industry_cells, tails = {}, {}
    for industry, (risk, state) in per_industry.items():
        industry_cells[industry] = pgcopy.text(industry) + pgcopy.text(risk)
        tails[industry] = (pgcopy.NULL + b"".join(_SUBJECT_ENCODERS[c](state[c]) for c in _STATE_COLUMNS)
                           + pgcopy.int4(1) + stamp + stamp)  # status_on, the state, version, created/updated
    codes = list(map(str.encode, usccs))
    name_b, name_len = _encoded(names)
    rep_b, rep_len = _encoded(rep_names)
    address_b, address_len = _encoded(addresses)
    by_text, by_industry = text.__getitem__, industry_cells.__getitem__
    batch.subject_records = list(map(b"".join, zip(
        repeat(_SUBJECT_HEAD), ids[::2], repeat(_LENGTH18), codes, name_len, name_b, map(by_text, stypes),
        rep_len, rep_b, repeat(_LENGTH18), map(str.encode, rep_ids), address_len, address_b,
        map(by_text, districts), map(by_industry, industries), map(day.__getitem__, dates), map(by_text, statuses),
        map(tails.__getitem__, industries))))
    data = list(map(str.encode, _event_data(usccs, names, stypes, districts, industries, dates, statuses,
                                            [per_industry[i][1]["grade"] for i in industries])))
    before_subject = (pgcopy.text(SubjectRegistered.event_type) + pgcopy.int4(SubjectRegistered.event_version)
                      + pgcopy.text(source) + _LENGTH18)
    after_data = pgcopy.text(traceparent) + pgcopy.int4(0)  # traceparent, attempts
    data_lengths = list(map(len, data))
    length_word = _length_word if max(data_lengths) <= pgcopy.LENGTHS_UPTO else pgcopy.length
    batch.event_records = list(map(b"".join, zip(
        repeat(_EVENT_HEAD), ids[1::2], repeat(before_subject), codes, repeat(stamp),
        map(length_word, data_lengths), data, repeat(after_data))))


def _python_rows(batch: PreparedBatch, values: list[list], per_industry: dict, now: datetime) -> None:
    usccs, names, stypes, rep_names, rep_ids, addresses, districts, industries, dates, statuses = values
    ids = new_ids(2 * len(usccs))
    tails = {i: (*(state[c] for c in _STATE_COLUMNS), 1, now, now) for i, (_, state) in per_industry.items()}
    risks = {i: risk for i, (risk, _) in per_industry.items()}
    batch.subject_rows = list(map(add, zip(ids[::2], usccs, names, stypes, rep_names, rep_ids, addresses, districts,
                                           industries, map(risks.__getitem__, industries), dates, statuses,
                                           repeat(None)),
                                  map(tails.__getitem__, industries)))
    data = _event_data(usccs, names, stypes, districts, industries, dates, statuses,
                       [per_industry[i][1]["grade"] for i in industries])
    batch.events = list(zip(ids[1::2], data))


def prepare_batch(rows: Sequence[ImportRow] | CellColumns, first_row: int, as_of: date, *, copy: bool = False,
                  source: str = "/supervision/credit", traceparent: str | None = None) -> PreparedBatch:
    """The CPU part of an import batch (checks, table rows, event data): pure, so it can run beside
    the writes. `rows` are CellColumns, csv_rows lists or dicts of the CSV columns (the JSON API)."""
    if isinstance(rows, CellColumns):
        values, numbers, errors = check_columns(rows.columns, first_row)
        received = rows.count
    else:
        values, numbers, errors = check_rows(rows, first_row)
        received = len(rows)
    now = datetime.now(UTC)
    batch = PreparedBatch(received, first_row, numbers, values[0], errors, copy)
    if not numbers:
        return batch
    states: dict[str, dict[str, Any]] = {}
    per_industry = {}  # industry -> (its risk level, the initial grade and risk state of that level)
    for industry in set(values[7]):
        risk = industry_risk_level(industry, as_of)
        per_industry[industry] = (risk, states.get(risk) or states.setdefault(risk, initial_state(risk, as_of)))
    if copy:
        _copy_records(batch, values, new_id_bytes(2 * len(numbers)), per_industry, now, source, traceparent)
    else:
        _python_rows(batch, values, per_industry, now)
    return batch


# --- writing ---------------------------------------------------------------------------------


async def write_batch(session: AsyncSession, batch: PreparedBatch,
                      registered_elsewhere: set[str] | frozenset[str] = frozenset(), *,
                      look_up_registered: bool = True) -> ImportBatchResult:
    """Write a prepared batch in the caller's transaction: subjects already registered (or being
    registered by an earlier batch still in flight: `registered_elsewhere`) are reported, the others
    written with one bulk statement per table (COPY on PostgreSQL).

    Without `look_up_registered` (PostgreSQL only) the registry is not searched first: a subject
    registered already raises UsccTaken and spoils the transaction, and the caller writes the batch
    again in a new one with the look-up. A bulk load meets few such subjects, and the look-up costs
    the server about a tenth of writing the batch."""
    result = ImportBatchResult(received=batch.received, errors=list(batch.errors))
    repo = SubjectRepository(session)
    existing = await repo.existing_usccs(batch.usccs) if look_up_registered or not batch.copy else set()
    if registered_elsewhere:
        existing |= registered_elsewhere.intersection(batch.usccs)
    if existing:
        result.errors.extend({"row": n, "field": "uscc", "rule": "uscc.registered",
                              "message": f"{u} is already registered"}
                             for n, u in zip(batch.numbers, batch.usccs) if u in existing)
        result.errors.sort(key=lambda e: e["row"])
        batch = batch.without(existing)
    if batch.copy:
        await repo.copy_subject_records(batch.subject_records)
        await repo.copy_outbox_records(batch.event_records)
    else:
        await repo.bulk_insert_tuples(batch.subject_rows)
        await repo.bulk_add_event_data(SubjectRegistered.event_type, SubjectRegistered.event_version,
                                       batch.events, batch.usccs)
    result.loaded = len(batch.usccs)
    return result


async def import_batch(session: AsyncSession, rows: Sequence[ImportRow], first_row: int = 1,
                       as_of: date | None = None) -> ImportBatchResult:
    """Check and load one batch in the caller's transaction: bad rows reported, good rows loaded."""
    from shared.tracing import current_traceparent

    db = session.info["database"]
    batch = prepare_batch(rows, first_row, as_of or shanghai_today(), copy=db.dialect == "postgresql",
                          source=f"/supervision/{db.service}", traceparent=current_traceparent())
    return await write_batch(session, batch)


async def authorise_import(session: AsyncSession, principal: Principal, rows: Sequence[ImportRow]) -> None:
    """A credit officer of the registration authority of every district the rows name (a row without a
    district is refused by the row checks)."""
    require_role(principal, *WRITE_ROLES)
    at = IMPORT_COLUMNS.index("district")
    districts = {(r.get("district") if isinstance(r, dict) else (r[at] if len(r) > at else None)) for r in rows}
    await require_registration_authority(session, principal, *sorted(d for d in districts if isinstance(d, str) and d))
