"""The bulk import's plain checks and row builders agree with the API model and the single registration."""

from __future__ import annotations

import csv
import io
import json
import random
import struct
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.credit.models import Subject, bus_tables
from services.credit.subjects.bulk_import import (
    IMPORT_COLUMNS,
    _row_errors,
    plain_check,
    prepare_batch,
)
from services.credit.subjects.repository import SUBJECT_COLUMNS
from services.credit.subjects.schemas import SubjectCreate
from services.credit.subjects.service import _event_data, subject_row
from shared.clock import shanghai_today
from shared.db import make_engine
from tests.auth_support import service_client
from tests.credit.helpers import ID_NUMBER, make_uscc, outbox_events, subject_body

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
    assert [_binary_fields(r) for r in copy.subject_records] == [len(SUBJECT_COLUMNS)] * len(rows)
    assert [_binary_fields(r) for r in copy.event_records] == [9] * len(rows)


def _binary_fields(record: bytes) -> int:
    """The number of fields of one binary COPY record, checking that their lengths add up."""
    count, at = struct.unpack_from(">h", record)[0], 2
    for _ in range(count):
        n = struct.unpack_from(">i", record, at)[0]
        at += 4 + max(n, 0)
    assert at == len(record)
    return count


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



async def test_imported_rows_and_events_hold_what_a_single_registration_writes(databases, authority):
    """Every column as stored (binary COPY on PostgreSQL, INSERT on SQLite), low, medium and high risk."""
    async with service_client("credit", databases, authority) as c:
        rows = [subject_body(make_uscc(), industry_code="F5191", name="甲,乙\t\"丙\"", status="revoked"),
                subject_body(make_uscc().lower(), industry_code="C1310", legal_rep_id=ID_NUMBER.lower(),
                             registered_address="路\\N\r\n号", registered_on=""),
                subject_body(make_uscc(), industry_code="A0111", name="x" * 200, registered_on="2024-02-29")]
        out = io.StringIO()
        csv.writer(out).writerows([IMPORT_COLUMNS, *([r.get(k, "") for k in IMPORT_COLUMNS] for r in rows)])
        before = datetime.now(UTC)
        r = await c.post("/subjects/imports", content=out.getvalue().encode(),
                         headers={**authority.headers("scjgj", "credit_officer"), "Content-Type": "text/csv"})
        assert r.json()["loaded"] == 3, r.text
        db, as_of = c.app.state.db, shanghai_today()
        async with db.sessionmaker() as s:
            stored = {row.uscc: row._asdict() for row in (await s.execute(select(Subject.__table__))).all()}
            t = db.outbox_table
            events = {e.subject: e for e in (await s.execute(select(t))).all()}
        assert {v["industry_risk"] for v in stored.values()} == {"low", "medium", "high"}
        for raw in rows:
            model = SubjectCreate.model_validate({k: v for k, v in raw.items() if v != ""})
            got = stored[model.uscc.upper()]
            expected = subject_row(model, as_of, got["created_at"], got["id"])
            assert got == expected and got["created_at"] == got["updated_at"]
            assert (got["created_at"].tzinfo or UTC) == UTC  # SQLite gives the UTC time without its zone
            assert got["created_at"].replace(tzinfo=UTC) >= before - timedelta(seconds=1)
            e = events[got["uscc"]]
            assert (e.event_type, e.version, e.source, e.attempts, e.sent_at) == \
                   ("sup.credit.subject.registered", 1, "/supervision/credit", 0, None)
            assert abs(e.occurred_at - got["created_at"]) < timedelta(seconds=5)
            assert e.data == json.dumps(_event_data(expected), ensure_ascii=False, separators=(",", ":"))
            assert uuid.UUID(e.event_id).version == uuid.UUID(got["id"]).version == 7


async def test_bulk_import_reports_subjects_registered_before_and_loads_the_rest(databases, tmp_path):
    """On PostgreSQL batches are written without looking registered subjects up first: meeting one
    undoes that batch, which is written again with the look-up (and so are the batches after it)."""
    from bench.credit_data import write_subjects_csv
    from supervision.commands.subjects import import_file

    url = await databases.fresh("credit")
    first = await import_file(write_subjects_csv(tmp_path / "a.csv", 300, start=0), url, batch_size=100)
    assert (first.loaded, first.errors) == (300, [])
    again = await import_file(write_subjects_csv(tmp_path / "b.csv", 500, start=200), url, batch_size=100)
    assert again.loaded == 400 and again.batches == 5
    assert [(e["row"], e["rule"]) for e in again.errors] == [(n, "uscc.registered") for n in range(1, 101)]
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            count = select(func.count()).select_from
            assert (await conn.execute(count(Subject.__table__))).scalar_one() == 700
            assert (await conn.execute(count(bus_tables.outbox))).scalar_one() == 700
    finally:
        await engine.dispose()
