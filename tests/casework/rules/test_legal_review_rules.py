from decimal import Decimal

from services.casework.rules.legal_review import (
    CaseProfile,
    LegalReview,
    requires_legal_review,
    review_allows_decision,
)


def test_each_ground_requires_legal_review():
    assert requires_legal_review(CaseProfile(major_public_interest=True)).required
    assert requires_legal_review(CaseProfile(had_hearing=True)).required
    assert requires_legal_review(CaseProfile(complex_case=True)).required
    assert requires_legal_review(CaseProfile(proposed_fine=Decimal(100000))).required


def test_ordinary_small_case_needs_no_review():
    req = requires_legal_review(CaseProfile(proposed_fine=Decimal(99999)))
    assert (req.required, req.reasons) == (False, [])
    assert req.thresholds_version


def test_reasons_name_every_ground():
    req = requires_legal_review(CaseProfile(had_hearing=True, complex_case=True))
    assert len(req.reasons) == 2


def test_decision_needs_a_passed_review_by_a_non_investigator():
    team = ["inv-1", "inv-2"]
    assert review_allows_decision(LegalReview("rev-1", "passed"), team)
    assert not review_allows_decision(LegalReview("rev-1", "pending"), team)
    assert not review_allows_decision(LegalReview("rev-1", "rejected"), team)
    assert not review_allows_decision(LegalReview("inv-2", "passed"), team)
    assert not review_allows_decision(None, team)
    assert not review_allows_decision(
        LegalReview("rev-1", "passed", reviewer_qualified=False), team
    )
