"""The checks of the bulk import: every row accepted exactly when SubjectCreate and the identifier
checks accept it, with the same normalised values.

Three paths, each held to the next by tests (`tests/credit/subjects/test_import_rows.py`):
- a batch of CSV cells is checked column by column (check_columns): a few C-level passes per column
  vouch for the common rows; any row they do not vouch for goes on to
- plain_check, plain functions over one row's cells that accept exactly what the API model accepts;
  any row it does not accept goes to
- the API model (SubjectCreate) and the identifier checks, so a reported error is the one a single
  registration would give.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from itertools import compress, count
from operator import is_, not_
from typing import Any

from pydantic import ValidationError

from services.credit.subjects.schemas import SubjectCreate
from services.credit.subjects.service import check_identifiers
from shared.identifiers import (
    invalid_resident_ids,
    is_canonical_uscc,
    is_resident_id,
    non_canonical_usccs,
)

IMPORT_COLUMNS = tuple(SubjectCreate.model_fields)
REQUIRED_COLUMNS = tuple(n for n, f in SubjectCreate.model_fields.items() if f.is_required())
_COLUMN_SET = frozenset(IMPORT_COLUMNS)
# A row as received, before any check: CSV cells in IMPORT_COLUMNS order, or an object of the CSV
# columns (a JSON row, whose values can be anything, or a CSV row of the wrong width naming its problem).
ImportRow = list[str] | dict[str, Any]


# --- the plain checks: the constraints of SubjectCreate, read from the model itself ------------


def _constraint(name: str, attr: str) -> Any:
    for m in SubjectCreate.model_fields[name].metadata:
        if getattr(m, attr, None) is not None:
            return getattr(m, attr)
    raise LookupError(f"SubjectCreate.{name} has no {attr}")


def _literal(name: str) -> frozenset[str]:
    """The values a Literal or an enum field of SubjectCreate takes."""
    from enum import Enum
    from typing import get_args

    annotation = SubjectCreate.model_fields[name].annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return frozenset(str(m.value) for m in annotation)
    return frozenset(get_args(annotation))


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


# --- column by column ------------------------------------------------------------------------
# Each helper adds to `bad` the indices of the cells it cannot vouch for; those rows go through
# plain_check and the model one by one. A vouched-for cell is one plain_check accepts as it is.

_STATUS_OF = {"": _DEFAULT_STATUS, **{s: s for s in _STATUSES}}  # a blank cell is the default status


def _flag(bad: set[int], oks: list) -> None:
    if not all(oks):
        bad.update(compress(count(), map(not_, oks)))


def _text_column(col: list[str], bounds: tuple[int, int], bad: set[int]) -> None:
    _flag(bad, list(map(is_, map(str.strip, col), col)))  # nothing to strip, as in _text_ok
    lengths = list(map(len, col))
    if min(lengths) < bounds[0] or max(lengths) > bounds[1]:
        bad.update(i for i, n in enumerate(lengths) if not bounds[0] <= n <= bounds[1])


def _known_column(col: list[str], good: set[str] | frozenset[str], ok, bad: set[int]) -> None:
    if not good.issuperset(col):
        failed = {v for v in set(col).difference(good) if not ok(v)}  # ok() remembers what passes
        if failed:
            bad.update(i for i, v in enumerate(col) if v in failed)


def _rep_id_shape(col: list[str], bad: set[int]) -> None:
    """plain_check's look at an ID number before is_resident_id: 17 ASCII digits and 0-9, X or x."""
    joined = "".join(col)
    if len(joined) == 18 * len(col) and joined.isascii() and max(map(len, col)) == 18:
        raw = joined.encode("ascii")
        if all(raw[k::18].isdigit() for k in range(17)) and not raw[17::18].translate(None, b"0123456789Xx"):
            return
    bad.update(i for i, v in enumerate(col)
               if not (len(v) == 18 and v.isascii() and v[:17].isdigit() and v[17] in "0123456789Xx"))


def _date_column(col: list[str], bad: set[int]) -> list[date | None]:
    """The dates of the cells (None for a blank cell, as plain_check reads it)."""
    lookup: dict[str, date] = _dates
    missing = set(col).difference(_dates)
    missing.discard("")
    if missing:  # _iso_date remembers the dates it reads while there is room
        lookup = {**_dates, **{v: d for v in missing if (d := _iso_date(v)) is not None}}
    values = list(map(lookup.get, col))
    if None in values:
        bad.update(i for i, (d, v) in enumerate(zip(values, col)) if d is None and v != "")
    return values


def _vouched(cols: list[list[str]], bad: set[int]) -> list[list]:
    """The normalised columns (plain_check's values; anything at the indices put in `bad`)."""
    uscc, name, stype, rep_name, rep_id, address, district, industry, registered, status = cols
    codes = list(map(str.upper, uscc))
    bad.update(non_canonical_usccs(codes))
    _known_column(stype, _SUBJECT_TYPES, lambda v: False, bad)
    _text_column(name, _NAME_LEN, bad)
    _text_column(rep_name, _REP_NAME_LEN, bad)
    _text_column(address, _ADDRESS_LEN, bad)
    _known_column(district, _good_districts, _district_ok, bad)
    _known_column(industry, _good_industries, _industry_ok, bad)
    _rep_id_shape(rep_id, bad)
    bad.update(invalid_resident_ids(rep_id))
    dates = _date_column(registered, bad)
    statuses = list(map(_STATUS_OF.get, status))
    if None in statuses:
        bad.update(i for i, v in enumerate(statuses) if v is None)
    return [codes, name, stype, rep_name, list(map(str.upper, rep_id)), address, district, industry, dates, statuses]


def check_columns(cols: list[list[str]], first_row: int) -> tuple[list[list], list[int], list[dict[str, Any]]]:
    """check_rows for a batch of CSV cells given as columns (IMPORT_COLUMNS order, "" where absent)."""
    n = len(cols[0])
    if n == 0:
        return [[] for _ in cols], [], []
    bad: set[int] = set()
    try:
        values = _vouched(cols, bad)
    except TypeError:  # a cell that is not a string: one row at a time
        values, bad = [[None] * n for _ in cols], set(range(n))
    numbers = list(range(first_row, first_row + n))
    errors: list[dict[str, Any]] = []
    if bad:
        keep = [i not in bad for i in range(n)]
        values = [list(compress(c, keep)) for c in values]
        numbers = list(compress(numbers, keep))
        for i in sorted(bad):
            row = plain_check([c[i] for c in cols])
            if row is None:
                row, problems = _row_errors(first_row + i, {k: c[i] for k, c in zip(IMPORT_COLUMNS, cols) if c[i] != ""})
                if row is None:
                    errors.extend(problems)
                    continue
            numbers.append(first_row + i)
            for column, v in zip(values, row):
                column.append(v)
    return _without_repeats(values, numbers, errors)


def _without_repeats(values: list[list], numbers: list[int], errors: list[dict[str, Any]]):
    """Drop (and report) a USCC's rows after its first in this batch; errors in row order."""
    codes = values[0]
    if len(set(codes)) != len(codes):
        seen: dict[str, int] = {}
        drop = set()
        for j in sorted(range(len(numbers)), key=numbers.__getitem__):
            if codes[j] in seen:
                errors.append({"row": numbers[j], "field": "uscc", "rule": "uscc.duplicate",
                               "message": f"{codes[j]} already appears in row {seen[codes[j]]} of this import"})
                drop.add(j)
            else:
                seen[codes[j]] = numbers[j]
        keep = [j not in drop for j in range(len(numbers))]
        values = [list(compress(c, keep)) for c in values]
        numbers = list(compress(numbers, keep))
    errors.sort(key=lambda e: e["row"])
    return values, numbers, errors


def check_rows(rows: Sequence[ImportRow], first_row: int) -> tuple[list[list], list[int], list[dict[str, Any]]]:
    """(the valid rows' normalised values as columns in IMPORT_COLUMNS order, their row numbers, errors
    of the others in row order). `rows` are csv_rows lists or dicts of the columns (the JSON API)."""
    width = len(IMPORT_COLUMNS)
    if rows and all(type(r) is list and len(r) == width for r in rows):
        return check_columns([list(c) for c in zip(*rows)], first_row)
    good: list[tuple] = []
    numbers: list[int] = []
    errors: list[dict[str, Any]] = []
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
        good.append(values)
        numbers.append(n)
    columns = [list(c) for c in zip(*good)] if good else [[] for _ in range(width)]
    return _without_repeats(columns, numbers, errors)
