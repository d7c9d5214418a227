"""Synthetic data: valid identifiers, Shanghai districts, reproducible, and loadable into credit."""

from __future__ import annotations

import pytest

from shared.identifiers import is_resident_id, is_valid_uscc
from supervision.synthetic import (
    SHANGHAI_DISTRICTS,
    generate_inspectors,
    generate_subjects,
    make_uscc,
)


def test_subjects_have_valid_codes_and_shanghai_districts():
    subjects = list(generate_subjects(800, seed=7))
    assert len({s.uscc for s in subjects}) == 800
    assert all(is_valid_uscc(s.uscc) for s in subjects)
    assert all(is_resident_id(s.legal_representative_id) for s in subjects)
    codes = {d[1] for d in SHANGHAI_DISTRICTS}
    assert {s.district for s in subjects} <= codes
    assert all(s.uscc[2:8] == s.district for s in subjects)  # the region code in the USCC is the district


def test_same_seed_same_data_other_seed_other_data():
    a = [s.csv_row() for s in generate_subjects(50, seed=1)]
    assert a == [s.csv_row() for s in generate_subjects(50, seed=1)]
    assert a != [s.csv_row() for s in generate_subjects(50, seed=2)]


def test_uscc_organisation_code_check_character():
    # GB 11714: the 17th character checks the organisation code in positions 9-16.
    from supervision.synthetic import organisation_code_check

    code = make_uscc("91", "310115", 12345)
    assert code[16] == organisation_code_check(code[8:16])


def test_inspectors_cover_every_district_per_department():
    inspectors = generate_inspectors(["scjgj", "yjj"], per_department=10)
    for dept in ("scjgj", "yjj"):
        mine = [i for i in inspectors if i.department == dept]
        assert sum(1 for i in mine if i.districts == ("*",)) >= 2


@pytest.mark.anyio
async def test_seeded_subjects_import_into_credit_without_rejections(databases, tmp_path):
    from supervision.commands.seed import write_subjects_csv
    from supervision.commands.subjects import import_file

    write_subjects_csv(tmp_path / "subjects.csv", 300, seed=3)
    totals = await import_file(tmp_path / "subjects.csv", await databases.fresh("credit"))
    assert totals.loaded == 300 and totals.errors == []


@pytest.fixture
def anyio_backend():
    return "asyncio"
