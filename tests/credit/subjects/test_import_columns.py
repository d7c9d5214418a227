"""The bulk import's column-wise reading and checks give what reading and checking row by row gives."""

from __future__ import annotations

import csv
import io
import random

from services.credit.subjects.bulk_import import (
    IMPORT_COLUMNS,
    CellColumns,
    _row_errors,
    check_columns,
    check_rows,
    csv_batches,
    csv_rows,
    plain_check,
)
from tests.credit.helpers import make_uscc, subject_body
from tests.credit.subjects.test_import_rows import _VARIANTS

# Cells the column checks treat specially (memos, blanks, case), on top of the model's edge cases.
_MORE = {
    "uscc": lambda r: [r.lower(), r[:8] + r[8:].lower()],
    "legal_rep_id": lambda r: ["11010519491231002x", "110105194902290020", "999999194912310020", "11010519491231002"],
    "district": lambda r: ["310120", "Z9", "a" * 64, "3101٠1"],
    "industry_code": lambda r: ["Q8311", "A0111", "F519"],
    "registered_on": lambda r: ["", "2024-02-29", "2023-02-29", "２０１９-03-15"],
    "status": lambda r: ["", "active", "Active"],
    "name": lambda r: ["甲" * 200, "\u3000甲", "甲\u3000"],
}


def _cells(rnd: random.Random, spoilt: float, earlier: list[list[str]]) -> list[str]:
    row = subject_body(make_uscc(), status=rnd.choice(("active", "")))
    if rnd.random() < spoilt:
        for column in rnd.sample(IMPORT_COLUMNS, rnd.choice((1, 1, 2))):
            variants = _VARIANTS[column](row[column]) + _MORE.get(column, lambda r: [])(row[column])
            row[column] = rnd.choice([v for v in variants if v is not None] or [""])
    cells = [row.get(c) or "" for c in IMPORT_COLUMNS]
    if earlier and rnd.random() < spoilt / 4:  # the same subject twice in one batch, maybe in another case
        first = rnd.choice(earlier)[0]
        cells[0] = first.lower() if rnd.random() < 0.5 else first
    return cells


def _row_by_row(rows: list[list[str]], first_row: int):
    """What check_rows gave before it read columns: plain_check, else the model, row after row."""
    good, errors, seen = [], [], {}
    for n, cells in enumerate(rows, first_row):
        values = plain_check(cells)
        if values is None:
            values, problems = _row_errors(n, {k: v for k, v in zip(IMPORT_COLUMNS, cells) if v != ""})
            if values is None:
                errors.extend(problems)
                continue
        if values[0] in seen:
            errors.append({"row": n, "field": "uscc", "rule": "uscc.duplicate",
                           "message": f"{values[0]} already appears in row {seen[values[0]]} of this import"})
            continue
        seen[values[0]] = n
        good.append((n, values))
    return good, errors


def _as_rows(values: list[list], numbers: list[int]) -> list[tuple[int, tuple]]:
    return sorted(zip(numbers, zip(*values))) if numbers else []


def test_column_checks_accept_and_report_exactly_what_row_checks_do():
    rnd = random.Random(20261127)
    fast = 0
    for b in range(300):
        rows: list[list[str]] = []
        spoilt = rnd.choice((0.0, 0.0, 0.005, 0.05, 0.3, 1.0))
        for _ in range(rnd.choice((1, 3, 50, 400))):
            rows.append(_cells(rnd, spoilt, rows))
        first_row = 1 + 1000 * b
        good, errors = _row_by_row(rows, first_row)
        values, numbers, got_errors = check_columns([list(c) for c in zip(*rows)], first_row)
        assert _as_rows(values, numbers) == good
        assert got_errors == errors
        values, numbers, got_errors = check_rows(rows, first_row)
        assert (_as_rows(values, numbers), got_errors) == (good, errors)
        fast += spoilt == 0.0 and len(good) == len(rows)
    assert fast > 50
    assert check_columns([[] for _ in IMPORT_COLUMNS], 1) == ([[] for _ in IMPORT_COLUMNS], [], [])


def _csv_text(rnd: random.Random, rows: int) -> str:
    header = list(IMPORT_COLUMNS)
    if rnd.random() < 0.3:
        header = header[:8] if rnd.random() < 0.5 else rnd.sample(header, len(header))
    out = io.StringIO()
    w = csv.writer(out, lineterminator=rnd.choice(("\r\n", "\n", "\r\n", "\n", "\r")))
    w.writerow(header)
    for i in range(rows):
        body = subject_body(make_uscc(), status="active")
        r = rnd.random()
        if r < 0.02:
            body["name"] = rnd.choice(('甲,乙', 'say "hi"', "two\nlines", "cr\rinside", "tab\tok"))
        line = [body.get(c) or "" for c in header]
        if r > 0.995:
            line = line[:-1] if rnd.random() < 0.5 else [*line, "extra"]
        w.writerow(line)
        if 0.02 < r < 0.025:
            out.write(rnd.choice(("\n", "\r\n", "\r", ",,,\n")))  # blank lines, a bare CR, an empty record
    text = out.getvalue()
    return text.removesuffix("\r\n").removesuffix("\n") if rnd.random() < 0.3 else text


def test_csv_batches_read_what_csv_rows_reads_in_batches_of_the_same_size():
    rnd = random.Random(20261128)
    plain = 0
    for _ in range(60):
        text = _csv_text(rnd, rnd.choice((0, 1, 7, 300, 1200)))
        if rnd.random() < 0.2:
            text = "\ufeff" + text
        size = rnd.choice((1, 5, 100, 500))
        expected = list(csv_rows(io.StringIO(text.lstrip("\ufeff"), newline="")))
        got, sizes = [], []
        with io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8-sig", newline="") as f:
            for batch in csv_batches(f, size):
                if isinstance(batch, CellColumns):
                    plain += 1
                    rows = [list(r) for r in zip(*batch.columns)]
                    assert len(rows) == batch.count
                else:
                    rows = batch
                got.extend(rows)
                sizes.append(len(rows))
        assert got == expected
        assert all(s == size for s in sizes[:-1]) and (not sizes or 0 < sizes[-1] <= size)
    assert plain > 100
