import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from uuid import UUID

import pytest

from services.disclosure.rules.canonical import (
    canonical_bytes,
    record_hash,
    record_leaf,
    record_leaf_hash,
)
from shared.merkle import leaf_hash, merkle_root


def test_keys_sorted_no_whitespace_utf8_literal():
    assert canonical_bytes({"b": 1, "a": "行政处罚", "c": [True, None]}) == (
        '{"a":"行政处罚","b":1,"c":[true,null]}'.encode()
    )


def test_same_record_in_any_key_order_gives_the_same_bytes_and_hash():
    a = {
        "record_id": "r1",
        "party": {"name": "某公司", "uscc": "91440101MA5CJQ4N59"},
        "n": 3,
    }
    b = {
        "n": 3,
        "party": {"uscc": "91440101MA5CJQ4N59", "name": "某公司"},
        "record_id": "r1",
    }
    assert canonical_bytes(a) == canonical_bytes(b)
    assert record_hash(a) == hashlib.sha256(canonical_bytes(b)).hexdigest()


def test_hash_is_pinned():
    # Pinned so a change of format (which would break every stored log) fails loudly.
    record = {
        "id": "r1",
        "decided_on": date(2024, 3, 15),
        "fine": 500000,
        "title": "罚款",
    }
    assert (
        canonical_bytes(record)
        == '{"decided_on":"2024-03-15","fine":500000,"id":"r1","title":"罚款"}'.encode()
    )
    assert (
        record_hash(record)
        == "4cec085ed6cc9d518a2a0e243228c1ee450af03a4ceae0edd00254409ddc899c"
    )


def test_keys_sort_by_utf16_code_units_as_jcs():
    # U+FF61 sorts after U+1F600 by code point but before it in UTF-16 (surrogate D83D).
    assert canonical_bytes({"\uff61": 1, "\U0001f600": 2}) == '{"😀":2,"｡":1}'.encode()


def test_control_characters_escaped_like_jcs():
    assert (
        canonical_bytes({"s": 'a"\\\n\x01\u2028'})
        == b'{"s":"a\\"\\\\\\n\\u0001\xe2\x80\xa8"}'
    )


def test_datetimes_normalised_to_utc_z_and_dates_iso():
    shanghai = timezone(timedelta(hours=8))
    a = canonical_bytes({"at": datetime(2024, 5, 6, 15, 8, 9, tzinfo=shanghai)})
    b = canonical_bytes({"at": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)})
    assert a == b == b'{"at":"2024-05-06T07:08:09Z"}'


class Kind(Enum):
    PUBLISH = "publish"


def test_uuid_and_enum_as_strings():
    u = UUID("01890a5d-ac96-774b-bcce-b302099a8057")
    assert (
        canonical_bytes({"id": u, "k": Kind.PUBLISH})
        == b'{"id":"01890a5d-ac96-774b-bcce-b302099a8057","k":"publish"}'
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"x": 1.5},
        {"x": datetime(2024, 1, 1)},
        {"x": 2**53},
        {1: "a"},
        {"x": {1, 2}},
        {"x": "\ud800"},
    ],
)
def test_values_outside_the_subset_are_refused(bad):
    with pytest.raises((TypeError, ValueError, UnicodeEncodeError)):
        canonical_bytes(bad)


ENTRY = {
    "seq": 7,
    "action": "publish",
    "record_id": "0190a1b2-0000-7000-8000-000000000001",
    "record_hash": "ab" * 32,
    "at": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
}


def test_record_leaf_is_the_canonical_entry():
    assert record_leaf(ENTRY) == (
        b'{"action":"publish","at":"2024-05-06T07:08:09Z","record_hash":"'
        + b"ab" * 32
        + b'","record_id":"0190a1b2-0000-7000-8000-000000000001","seq":7}'
    )


def test_record_leaf_hash_uses_rfc6962_leaf_prefix():
    assert (
        record_leaf_hash(ENTRY) == hashlib.sha256(b"\x00" + record_leaf(ENTRY)).digest()
    )
    assert record_leaf_hash(ENTRY) == leaf_hash(record_leaf(ENTRY))


def test_tampering_with_an_entry_changes_the_root():
    entries = [dict(ENTRY, seq=i) for i in range(5)]
    root = merkle_root([record_leaf(e) for e in entries])
    entries[2]["action"] = "withdraw"
    assert merkle_root([record_leaf(e) for e in entries]) != root


@pytest.mark.parametrize(
    "change",
    [
        {"seq": -1},
        {"seq": True},
        {"action": "delete"},
        {"record_hash": "AB" * 32},
        {"record_hash": "ab"},
        {"at": datetime(2024, 1, 1)},
        {"record_id": ""},
        {"extra": 1},
    ],
)
def test_malformed_log_entries_are_refused(change):
    with pytest.raises(ValueError):
        record_leaf({**ENTRY, **change})
