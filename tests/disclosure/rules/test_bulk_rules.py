import csv
import io
from datetime import UTC, date, datetime

import pytest

from services.disclosure.rules.bulk import BOM, CSV_COLUMNS, render_csv
from services.disclosure.rules.publicity import RecordType

PENALTY = {
    "record_id": "r1",
    "published_on": date(2024, 3, 20),
    "decision_no": "沪市监处〔2024〕1号",
    "subject_name": "上海某某餐饮有限公司",
    "uscc": "91440101MA5CJQ4N59",
    "penalty_kinds": ["fine", "confiscation_of_illegal_gains"],
    "fine_amount": "50000.00",
    "decided_on": date(2024, 3, 15),
    "party_id_number": "110101199003074514",  # not a column: must never be written
}


def rows(text):
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def test_every_record_type_has_a_column_list():
    assert set(CSV_COLUMNS) == set(RecordType)


def test_csv_starts_with_bom_and_uses_crlf():
    out = render_csv("penalty_decision", [PENALTY])
    assert out.startswith("\ufeff") and out.count("\r\n") == 2
    assert out.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_fixed_columns_in_order_and_unlisted_fields_never_written():
    out = render_csv(RecordType.PENALTY_DECISION, [PENALTY])
    header, row = rows(out)
    assert tuple(header) == CSV_COLUMNS[RecordType.PENALTY_DECISION]
    values = dict(zip(header, row))
    assert values["subject_name"] == "上海某某餐饮有限公司"
    assert values["penalty_kinds"] == "fine;confiscation_of_illegal_gains"
    assert values["decided_on"] == "2024-03-15" and values["window_end"] == ""
    assert "110101199003074514" not in out


def test_formula_like_text_is_neutralised_but_negative_numbers_are_not():
    out = render_csv("list_entry", [{"reason": '=HYPERLINK("x")', "record_id": "-5"}])
    values = dict(zip(*rows(out)))
    assert values["reason"].startswith("'=") and values["record_id"] == "-5"


def test_timestamps_are_utc_and_booleans_words():
    out = render_csv(
        "licence",
        [{"published_on": datetime(2024, 1, 1, 8, tzinfo=UTC), "by_commitment": True}],
    )
    values = dict(zip(*rows(out)))
    assert (
        values["published_on"] == "2024-01-01T08:00:00Z"
        and values["by_commitment"] == "true"
    )


def test_unknown_record_type_is_refused():
    with pytest.raises(ValueError):
        render_csv("warning", [])
