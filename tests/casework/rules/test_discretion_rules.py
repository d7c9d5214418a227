import itertools
from decimal import Decimal

import pytest

from services.casework.rules.discretion import (
    DiscretionFacts as F,
)
from services.casework.rules.discretion import (
    education_required,
    recommend_band,
)
from services.casework.rules.discretion_tables import DISCRETION_TABLES, Band


def test_minor_no_harm_corrected_is_mandatory_no_penalty():
    rec = recommend_band(
        "price_marking", F(minor=True, corrected_promptly=True, harm="none")
    )
    assert rec.band == Band.NO_PENALTY
    assert (rec.mandatory_no_penalty, rec.may_waive) == (True, False)
    assert rec.max_amount == 0
    assert rec.education_required and education_required(rec)


def test_first_offence_minor_harm_corrected_may_be_waived_not_mandatory():
    rec = recommend_band(
        "food_labelling", F(first_offence=True, corrected_promptly=True, harm="minor")
    )
    assert rec.band == Band.NO_PENALTY
    assert (rec.mandatory_no_penalty, rec.may_waive) == (False, True)
    assert rec.if_not_waived == Band.LIGHTER
    assert rec.education_required


def test_not_first_offence_is_not_waivable():
    rec = recommend_band("food_labelling", F(corrected_promptly=True, harm="minor"))
    assert not rec.may_waive and not rec.mandatory_no_penalty
    assert rec.band == Band.LIGHTER and not rec.education_required


def test_no_fault_means_no_penalty():
    rec = recommend_band("unlicensed_operation", F(no_fault=True, repeat=True))
    assert rec.band == Band.NO_PENALTY and rec.mandatory_no_penalty


def test_aggravating_factors_lead_to_heavier_band_with_its_range():
    rec = recommend_band("false_advertising", F(repeat=True, harm="serious"))
    assert rec.band == Band.HEAVIER
    assert (rec.min_amount, rec.max_amount) == (Decimal(760000), Decimal(1000000))
    assert "repeat violation" in rec.reasons


def test_two_statutory_mitigations_lead_to_mitigated_band():
    rec = recommend_band(
        "unlicensed_operation", F(coerced=True, voluntarily_reported=True)
    )
    assert rec.band == Band.MITIGATED
    assert rec.max_amount <= Decimal(1000)


def test_aggravating_and_mitigating_offset_to_general():
    rec = recommend_band(
        "unlicensed_operation", F(obstructed=True, eliminated_harm=True)
    )
    assert rec.band == Band.GENERAL


def test_no_factors_is_general():
    assert recommend_band("price_marking", F()).band == Band.GENERAL


def test_recommendation_records_table_version_and_unknown_type_raises():
    rec = recommend_band(
        "price_marking", F(), table_version=DISCRETION_TABLES[0].version
    )
    assert rec.table_version == DISCRETION_TABLES[0].version and rec.sample_table
    with pytest.raises(KeyError):
        recommend_band("no_such_violation", F())
    with pytest.raises(KeyError):
        recommend_band("price_marking", F(), table_version="v-missing")


def test_bands_are_ordered_and_contiguous_in_sample_tables():
    order = [Band.MITIGATED, Band.LIGHTER, Band.GENERAL, Band.HEAVIER]
    for table in DISCRETION_TABLES:
        for bench in table.violations.values():
            ranges = [bench.bands[b] for b in order]
            for lo, hi in itertools.pairwise(ranges):
                assert lo.max_amount == hi.min_amount
            assert all(r.min_amount <= r.max_amount for r in ranges)
