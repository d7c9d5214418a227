"""The rules behind separated roles and one-way gates, one test each."""

from __future__ import annotations

from services.casework.rules.legal_review import (
    FACT_CLEARING_ROLES,
    ONE_WAY_FACTS,
    new_review_needed,
    reviewer_principal_problems,
)
from services.casework.rules.workflow import CaseAction as A
from services.casework.rules.workflow import CaseFacts, CaseState, offered_actions
from shared.contracts.roles import separated_role_conflicts


def test_separated_roles_name_each_pair_and_its_basis():
    assert separated_role_conflicts(["case_officer", "credit_officer"]) == []
    assert len(separated_role_conflicts(["case_officer", "legal_reviewer", "inspector"])) == 2
    (msg,) = separated_role_conflicts(["head", "case_officer"])
    assert "case_officer and head" in msg and "APL art. 58" in msg


def test_a_rejected_review_needs_a_new_one():
    assert new_review_needed("rejected")
    assert not new_review_needed("passed") and not new_review_needed(None) and not new_review_needed("pending")


def test_the_reviewer_is_compared_by_principal():
    assert reviewer_principal_problems("c-1", "c-1", []) == ["reviewer c-1 submitted the case for review"]
    assert reviewer_principal_problems("c-2", "c-1", {"c-1", "c-2"}) == ["reviewer c-2 acted on the case's investigation"]
    assert reviewer_principal_problems("c-3", "c-1", {"c-1", "c-2"}) == []


def test_the_one_way_facts_and_who_clears_them():
    assert set(ONE_WAY_FACTS) == {"major_public_interest", "complex_case", "had_hearing", "suspected_crime"}
    assert "case_officer" not in FACT_CLEARING_ROLES and set(FACT_CLEARING_ROLES) == {"legal_reviewer", "head"}


def test_offered_actions_leave_out_what_the_guards_refuse():
    pending = CaseState.DECISION_PENDING
    assert A.DECIDE in offered_actions(pending, CaseFacts())
    assert A.DECIDE not in offered_actions(pending, CaseFacts(suspected_crime=True))
    assert A.DECIDE not in offered_actions(pending, CaseFacts(legal_review_rejected=True, legal_review_passed=True))
    assert A.DECIDE not in offered_actions(pending, CaseFacts(legal_review_required=True))
    assert A.REQUEST_HEARING not in offered_actions(CaseState.PRIOR_NOTICE, CaseFacts(hearing_right=False))
    assert A.CONCLUDE_HEARING not in offered_actions(CaseState.HEARING, CaseFacts(hearing_held_by_now=False))
    assert A.CONCLUDE_HEARING in offered_actions(CaseState.HEARING, CaseFacts())
