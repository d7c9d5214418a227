import pytest

from services.casework.rules.workflow import (
    TERMINAL_STATES,
    TRANSITIONS,
    CaseAction,
    CaseFacts,
    CaseState,
    ForbiddenTransition,
    allowed_transitions,
    check_transition,
    must_transfer_to_judicial,
)

S, A = CaseState, CaseAction


def test_every_state_has_a_row():
    assert set(TRANSITIONS) == set(CaseState)


def test_happy_path_with_hearing_reaches_closed():
    path = [
        (A.REVIEW_LEAD, S.FILING_REVIEW),
        (A.FILE, S.FILED),
        (A.START_INVESTIGATION, S.INVESTIGATION),
        (A.NOTIFY_RIGHTS, S.PRIOR_NOTICE),
        (A.REQUEST_HEARING, S.HEARING),
        (A.CONCLUDE_HEARING, S.LEGAL_REVIEW),
        (A.PASS_REVIEW, S.DECISION_PENDING),
        (A.DECIDE, S.DECIDED),
        (A.SERVE, S.SERVED),
        (A.START_EXECUTION, S.EXECUTION),
        (A.CLOSE, S.CLOSED),
    ]
    state = S.LEAD
    facts = CaseFacts(legal_review_required=True, legal_review_passed=True)
    for action, expected in path:
        state = check_transition(state, action, facts)
        assert state == expected


def test_every_forbidden_transition_raises_with_current_and_allowed():
    checked = 0
    for state in CaseState:
        allowed = allowed_transitions(state)
        for action in CaseAction:
            if action in allowed:
                continue
            with pytest.raises(ForbiddenTransition) as exc:
                check_transition(state, action)
            assert exc.value.current == state.value
            assert exc.value.attempted == action.value
            assert exc.value.allowed == {a.value for a in allowed}
            checked += 1
    assert checked == len(CaseState) * len(CaseAction) - sum(
        len(m) for m in TRANSITIONS.values()
    )


def test_every_allowed_transition_goes_to_table_target():
    for state, moves in TRANSITIONS.items():
        for action, target in moves.items():
            assert check_transition(state, action) == target


def test_hearing_leads_to_legal_review_not_straight_to_decision():
    assert allowed_transitions(S.HEARING) >= {A.CONCLUDE_HEARING}
    assert A.DECIDE not in allowed_transitions(S.HEARING)
    assert A.PROPOSE_DECISION not in allowed_transitions(S.HEARING)
    assert check_transition(S.HEARING, A.CONCLUDE_HEARING) == S.LEGAL_REVIEW


def test_only_decision_pending_can_decide():
    deciders = {s for s, moves in TRANSITIONS.items() if A.DECIDE in moves}
    assert deciders == {S.DECISION_PENDING}


def test_terminal_states():
    assert TERMINAL_STATES == {S.NOT_FILED, S.TRANSFERRED, S.REVOKED}


def test_judicial_transfer_possible_from_every_pre_decision_state_and_can_come_back():
    for state in (
        S.LEAD,
        S.FILING_REVIEW,
        S.FILED,
        S.INVESTIGATION,
        S.PRIOR_NOTICE,
        S.HEARING,
        S.LEGAL_REVIEW,
        S.DECISION_PENDING,
    ):
        assert check_transition(state, A.TRANSFER_JUDICIAL) == S.TRANSFERRED_JUDICIAL
    assert (
        check_transition(S.TRANSFERRED_JUDICIAL, A.RETURN_FROM_JUDICIAL)
        == S.INVESTIGATION
    )


def test_decisions_can_be_revoked_after_issue_only():
    for state in (S.DECIDED, S.SERVED, S.EXECUTION, S.CLOSED):
        assert check_transition(state, A.REVOKE) == S.REVOKED
    with pytest.raises(ForbiddenTransition):
        check_transition(S.DECISION_PENDING, A.REVOKE)


def test_must_transfer_to_judicial_on_suspected_crime():
    assert must_transfer_to_judicial(CaseFacts(suspected_crime=True)) is True
    assert must_transfer_to_judicial(CaseFacts()) is False


def test_guard_refuses_decision_when_crime_suspected():
    with pytest.raises(ForbiddenTransition) as exc:
        check_transition(S.DECISION_PENDING, A.DECIDE, CaseFacts(suspected_crime=True))
    assert exc.value.current == "decision_pending"
    assert "decide" not in exc.value.allowed
    assert "transfer_judicial" in exc.value.allowed
    assert "crime" in exc.value.reason


def test_guard_refuses_decision_without_passed_review_when_required():
    with pytest.raises(ForbiddenTransition) as exc:
        check_transition(
            S.DECISION_PENDING, A.DECIDE, CaseFacts(legal_review_required=True)
        )
    assert "art. 58" in exc.value.reason
    assert (
        check_transition(
            S.DECISION_PENDING,
            A.DECIDE,
            CaseFacts(legal_review_required=True, legal_review_passed=True),
        )
        == S.DECIDED
    )


def test_unknown_state_or_action_is_forbidden():
    with pytest.raises(ForbiddenTransition):
        check_transition("suspended", A.DECIDE)
    with pytest.raises(ForbiddenTransition) as exc:
        check_transition(S.LEAD, "fly")
    assert exc.value.allowed == {a.value for a in allowed_transitions(S.LEAD)}
