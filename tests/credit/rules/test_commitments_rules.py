from datetime import date

from services.credit.rules.commitments import (
    broken_commitment_outcome,
    commitment_allowed,
    rectification_deadline,
    verification_deadline,
)
from services.credit.rules.facts import ListMembership


def test_commitment_refused_in_excluded_fields():
    for field in ("public_safety", "ecology_environment", "health", "life_property_safety"):
        ok, why = commitment_allowed(field)
        assert not ok and "Guobanfa [2020] No. 42" in why
    assert commitment_allowed("catering_licence")[0]


def test_commitment_refused_to_serious_dishonesty_subject():
    m = [ListMembership("serious_dishonesty", date(2025, 1, 1))]
    ok, why = commitment_allowed("catering_licence", m, [], date(2025, 6, 1))
    assert not ok and "serious_dishonesty" in why
    assert commitment_allowed("catering_licence", m, [], date(2024, 6, 1))[0]


def test_verification_and_rectification_deadlines_are_versioned():
    d, version = verification_deadline(date(2025, 3, 1))
    assert (d.due, d.kind, version) == (date(2025, 4, 30), "calendar", "commitment-2021.1")
    assert rectification_deadline(date(2025, 3, 1))[0].due == date(2025, 3, 31)


def test_broken_commitment_rectify_then_revoke():
    found = date(2025, 3, 1)
    assert broken_commitment_outcome(found, None, date(2025, 3, 31)).status == "rectifying"
    assert broken_commitment_outcome(found, date(2025, 3, 20), date(2025, 6, 1)).status == "rectified"
    late = broken_commitment_outcome(found, date(2025, 4, 2), date(2025, 6, 1))
    assert late.status == "revoke"
    assert late.actions == ("withdraw_licence", "record_commitment_broken")
