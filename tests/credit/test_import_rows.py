"""The bulk import's plain checks and row builders agree with the API model and the single registration."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest

from services.credit.repository import SUBJECT_COLUMNS
from services.credit.schemas import SubjectCreate
from services.credit.service import shanghai_today
from services.credit.service_import import (
    IMPORT_COLUMNS,
    _row_errors,
    plain_check,
    prepare_batch,
)
from services.credit.service_subjects import _event_data, subject_row
from tests.auth_support import service_client
from tests.credit.helpers import make_uscc, outbox_events, subject_body

pytestmark = pytest.mark.anyio

_VARIANTS = {
    "uscc": lambda r: [r, r.lower(), f" {r}", r[:17], r + "0", r[:17] + ("0" if r[17] != "0" else "1"),
                       "Ｘ" + r[1:], "91350100M0001TGQXM", "913101000I0000000X", ""],
    "name": lambda r: [r, "", " ", " 甲 ", "x" * 200, "x" * 201, "a\tb", "a\\b\"c\nd"],
    "subject_type": lambda r: [r, "company", "Enterprise", " enterprise", "individual_business"],
    "legal_rep_name": lambda r: [r, "", "x" * 101, "李\u3000"],
    "legal_rep_id": lambda r: [r, r.lower(), r[:17] + "0", "110105194912310021", "11010519491331002X",
                               "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", f" {r}"],
    "registered_address": lambda r: [r, "", "x" * 301, "路\r\n号"],
    "district": lambda r: [r, "", "3101 01", "310101\n", "x" * 65, "a_b-C"],
    "industry_code": lambda r: [r, "F", "Z5191", "5191", "F51911", "f5191", "C13\n"],
    "registered_on": lambda r: [r, "", "2019-02-30", "20190315", "2019-03-15T00:00:00", "2019-3-15", " 2019-03-15",
                                "1577836800", None],
    "status": lambda r: [r, "", "revoked", "closed", None],
}


def _random_rows(n: int, seed: int) -> list[dict]:
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        row = subject_body(make_uscc(), status="active")
        for column in rnd.sample(IMPORT_COLUMNS, rnd.choice((0, 1, 1, 2))):
            row[column] = rnd.choice(_VARIANTS[column](row[column]))
        if rnd.random() < 0.05:
            row[rnd.choice(IMPORT_COLUMNS)] = rnd.choice((7, 3.5, ["x"], True))  # JSON values of other types
        rows.append({k: v for k, v in row.items() if v is not None})
    return rows


def test_plain_checks_accept_only_what_the_model_accepts_with_the_same_values():
    accepted = 0
    for raw in _random_rows(4000, 20261127):
        values = plain_check([raw.get(c) for c in IMPORT_COLUMNS], blank_is_absent=False)
        model_values, errors = _row_errors(1, raw)
        if values is not None:
            accepted += 1
            assert values == model_values, raw
        if model_values is None:
            assert values is None and errors, raw
        if all(type(v) is str for v in raw.values()):  # as a CSV row, a blank cell is an absent one
            cells = [raw.get(c, "") for c in IMPORT_COLUMNS]
            values = plain_check(cells)
            model_values, _ = _row_errors(1, {c: v for c, v in zip(IMPORT_COLUMNS, cells) if v != ""})
            if values is not None:
                assert values == model_values, raw
            if model_values is None:
                assert values is None, raw
    assert accepted > 1000  # the plain path does take the common rows


def test_prepared_rows_and_events_are_those_of_a_single_registration():
    as_of, now = shanghai_today(), datetime.now(UTC)
    rows = [subject_body(make_uscc(), name=name) for name in ("甲公司", 'a"b\\c', "tab\there", "new\nline", "x\u2028y")]
    batch = prepare_batch(rows, 1, as_of)
    assert not batch.errors
    for raw, table_row, (_, data) in zip(rows, batch.subject_rows, batch.events):
        expected = subject_row(SubjectCreate.model_validate(raw), as_of, now, table_row[0])
        assert dict(zip(SUBJECT_COLUMNS, table_row)) | {"created_at": now, "updated_at": now} == expected
        assert data == json.dumps(_event_data(expected), ensure_ascii=False, separators=(",", ":"))
    copy = prepare_batch(rows, 1, as_of, copy=True)
    assert [line.count("\t") for line in copy.subject_lines] == [23] * len(rows)
    assert all(line.endswith("\n") and "\n" not in line[:-1] for line in copy.subject_lines + copy.event_lines)


async def test_free_text_with_tabs_backslashes_and_newlines_round_trips(databases, authority):
    """The PostgreSQL import writes COPY text: what a name holds must come back unchanged."""
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        names = ["制表\t符", "反斜杠\\N", 'quote"and\\\\two', "换\n行", "回\r车", "\\."]
        rows = [subject_body(make_uscc(), name=n, legal_rep_name=f"张\\{i}", registered_address=f"路\t{i}号")
                for i, n in enumerate(names)]
        rows[0]["registered_on"] = None
        r = await c.post("/subjects/imports", json={"rows": [{k: v for k, v in row.items() if v is not None}
                                                             for row in rows]}, headers=officer)
        assert r.json()["loaded"] == len(rows), r.text
        for i, row in enumerate(rows):
            got = (await c.get(f"/subjects/{row['uscc']}", headers=officer)).json()
            assert (got["name"], got["legal_representative"]["name"], got["registered_address"]) == \
                   (row["name"], f"张\\{i}", f"路\t{i}号")
            assert got["registered_on"] == row["registered_on"]
        events = {e["uscc"]: e for e in await outbox_events(c, "sup.credit.subject.registered")}
        assert [events[row["uscc"]]["name"] for row in rows] == names
        assert events[rows[0]["uscc"]]["registered_on"] is None

