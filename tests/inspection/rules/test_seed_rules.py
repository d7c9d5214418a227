"""The multi-party seed (rules/seed.py): every department's secret and the beacon count; none alone decides."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.inspection.rules.draw import Subject, draw_inspection_objects
from services.inspection.rules.ratios import ratio_table_in_force
from services.inspection.rules.seed import (
    beacon_name,
    beacon_time,
    commitment_digest,
    commitment_document,
    derive_seed,
    secret_commitment,
)

TABLE = ratio_table_in_force(date(2026, 4, 1))
POPULATION = [Subject(uscc=f"9131{i:014d}", grade="ABCD"[i % 4]) for i in range(2000)]
DEPARTMENTS = ["scjgj", "wjw", "yjj"]
SECRETS = {d: bytes([n + 1]) * 32 for n, d in enumerate(DEPARTMENTS)}
BEACON = beacon_name("China Welfare Lottery 3D", datetime(2026, 4, 1, 21, 15, tzinfo=timezone(timedelta(hours=8))))


def _doc(secrets=SECRETS, beacon=BEACON):
    return commitment_document(
        plan_id="joint-1", departments=DEPARTMENTS, secret_commitments={d: secret_commitment(s) for d, s in secrets.items()},
        beacon=beacon, population_root="0" * 64, population_count=len(POPULATION), ratio_table={"version": "v"},
        full_coverage=False, publicity_check=False)


def _selection(seed: bytes) -> list[str]:
    return draw_inspection_objects("joint-1", seed, POPULATION, TABLE).selected


def test_the_beacon_is_named_by_source_and_utc_time():
    assert BEACON == {"source": "China Welfare Lottery 3D", "published_at": "2026-04-01T13:15:00Z"}
    assert beacon_time(BEACON) == datetime(2026, 4, 1, 13, 15, tzinfo=UTC)
    with pytest.raises(ValueError, match="time zone"):
        beacon_name("x", datetime(2026, 4, 1))


def test_changing_any_department_secret_or_the_beacon_changes_the_selection():
    doc = _doc()
    base = _selection(derive_seed(doc, SECRETS, "4 7 1"))
    for d in DEPARTMENTS:
        other = dict(SECRETS) | {d: b"\xee" * 32}
        assert _selection(derive_seed(_doc(other), other, "4 7 1")) != base, d
    assert _selection(derive_seed(doc, SECRETS, "4 7 2")) != base
    later = beacon_name("China Welfare Lottery 3D", datetime(2026, 4, 2, 13, 15, tzinfo=UTC))
    assert _selection(derive_seed(_doc(beacon=later), SECRETS, "4 7 1")) != base


def test_the_seed_cannot_be_computed_until_every_secret_and_the_beacon_are_revealed():
    doc = _doc()
    for d in DEPARTMENTS:
        with pytest.raises(ValueError, match=f"not revealed by {d}"):
            derive_seed(doc, {k: v for k, v in SECRETS.items() if k != d}, "4 7 1")
    with pytest.raises(ValueError, match="beacon value"):
        derive_seed(doc, SECRETS, "")
    with pytest.raises(ValueError, match="does not match its commitment"):
        derive_seed(doc, SECRETS | {"wjw": b"\x00" * 32}, "4 7 1")
    with pytest.raises(ValueError, match="outside the plan"):
        derive_seed(doc, SECRETS | {"gaj": b"\x00" * 32}, "4 7 1")
    with pytest.raises(ValueError, match="no secret commitment from yjj"):
        commitment_document(plan_id="p", departments=DEPARTMENTS, secret_commitments={"scjgj": "a", "wjw": "b"},
                            beacon=BEACON, population_root="0" * 64, population_count=1, ratio_table={},
                            full_coverage=False, publicity_check=False)


def test_the_commitment_binds_its_whole_document():
    doc = _doc()
    assert commitment_digest(doc) == commitment_digest(dict(reversed(list(doc.items()))))  # key order is irrelevant
    assert commitment_digest(doc | {"population_count": 1}) != commitment_digest(doc)
    assert secret_commitment(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
