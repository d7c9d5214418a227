"""Case state machine: which step may follow which, as one explicit table.

Suspensions (testing, hearing, appraisal, public notice, a formal case suspension) are NOT a
state here: they overlay whatever step the case is in and only stop the decision clock, so
they are recorded as clock intervals (see ``clocks.decision_deadline``). Modelling them as
states would duplicate every investigation-phase state and lose where to resume.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CaseState(StrEnum):
    LEAD = "lead"  # a clue from inspection, complaint, transfer or alert
    FILING_REVIEW = "filing_review"  # verification under way, filing decision pending
    FILED = "filed"
    INVESTIGATION = "investigation"
    PRIOR_NOTICE = "prior_notice"  # party told of facts, reasons, basis and rights
    HEARING = "hearing"
    LEGAL_REVIEW = "legal_review"
    DECISION_PENDING = "decision_pending"
    DECIDED = "decided"
    SERVED = "served"
    EXECUTION = "execution"
    CLOSED = "closed"
    NOT_FILED = "not_filed"
    TRANSFERRED = "transferred"  # to the competent department
    TRANSFERRED_JUDICIAL = "transferred_judicial"  # suspected crime
    REVOKED = "revoked"  # decision withdrawn/revoked (self-correction, reconsideration, court)


class CaseAction(StrEnum):
    REVIEW_LEAD = "review_lead"
    FILE = "file"
    DECLINE_FILING = "decline_filing"
    START_INVESTIGATION = "start_investigation"
    NOTIFY_RIGHTS = "notify_rights"
    REQUEST_HEARING = "request_hearing"
    CONCLUDE_HEARING = "conclude_hearing"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    PASS_REVIEW = "pass_review"
    REJECT_REVIEW = "reject_review"
    PROPOSE_DECISION = "propose_decision"
    RESUME_INVESTIGATION = "resume_investigation"
    DECIDE = "decide"
    SERVE = "serve"
    START_EXECUTION = "start_execution"
    CLOSE = "close"
    REVOKE = "revoke"
    CHANGE_DECISION = "change_decision"  # the decision is replaced by a new version
    TRANSFER = "transfer"
    TRANSFER_JUDICIAL = "transfer_judicial"
    RETURN_FROM_JUDICIAL = "return_from_judicial"


S, A = CaseState, CaseAction

# Administrative Penalty Law (2021) arts. 54-65 and SAMR Administrative Penalty Procedure
# Provisions: lead -> filing -> investigation -> prior notice (art. 44) -> hearing (arts. 63-65)
# -> legal review (art. 58) -> decision (art. 57) -> service (art. 61) -> execution (arts. 66-73).
# APL art. 27 / art. 57(1)(4): a suspected crime is transferred to judicial organs at any
# stage before the decision; the judicial organ may hand it back for an administrative penalty.
TRANSITIONS: dict[CaseState, dict[CaseAction, CaseState]] = {
    S.LEAD: {
        A.REVIEW_LEAD: S.FILING_REVIEW,
        A.TRANSFER: S.TRANSFERRED,
        A.TRANSFER_JUDICIAL: S.TRANSFERRED_JUDICIAL,
    },
    S.FILING_REVIEW: {
        A.FILE: S.FILED,
        A.DECLINE_FILING: S.NOT_FILED,
        A.TRANSFER: S.TRANSFERRED,
        A.TRANSFER_JUDICIAL: S.TRANSFERRED_JUDICIAL,
    },
    S.FILED: {
        A.START_INVESTIGATION: S.INVESTIGATION,
        A.TRANSFER: S.TRANSFERRED,
        A.TRANSFER_JUDICIAL: S.TRANSFERRED_JUDICIAL,
    },
    S.INVESTIGATION: {
        A.NOTIFY_RIGHTS: S.PRIOR_NOTICE,
        # no-penalty outcomes (facts not established, minor) need no prior notice
        A.SUBMIT_FOR_REVIEW: S.LEGAL_REVIEW,
        A.PROPOSE_DECISION: S.DECISION_PENDING,
        A.TRANSFER: S.TRANSFERRED,
        A.TRANSFER_JUDICIAL: S.TRANSFERRED_JUDICIAL,
    },
    S.PRIOR_NOTICE: {
        A.REQUEST_HEARING: S.HEARING,
        A.SUBMIT_FOR_REVIEW: S.LEGAL_REVIEW,
        A.PROPOSE_DECISION: S.DECISION_PENDING,
        A.RESUME_INVESTIGATION: S.INVESTIGATION,  # statements raise new facts
        A.TRANSFER_JUDICIAL: S.TRANSFERRED_JUDICIAL,
    },
    S.HEARING: {
        # APL art. 58(1)(2): a case that went through a hearing needs legal review
        A.CONCLUDE_HEARING: S.LEGAL_REVIEW,
        A.RESUME_INVESTIGATION: S.INVESTIGATION,
        A.TRANSFER_JUDICIAL: S.TRANSFERRED_JUDICIAL,
    },
    S.LEGAL_REVIEW: {
        A.PASS_REVIEW: S.DECISION_PENDING,
        A.REJECT_REVIEW: S.INVESTIGATION,  # sent back for supplementary investigation
        A.TRANSFER_JUDICIAL: S.TRANSFERRED_JUDICIAL,
    },
    S.DECISION_PENDING: {
        A.DECIDE: S.DECIDED,
        # APL arts. 64(1), 85: the party may still ask for a hearing until its 5 working days end
        A.REQUEST_HEARING: S.HEARING,
        A.SUBMIT_FOR_REVIEW: S.LEGAL_REVIEW,
        A.RESUME_INVESTIGATION: S.INVESTIGATION,
        A.TRANSFER_JUDICIAL: S.TRANSFERRED_JUDICIAL,
    },
    # APL art. 75 and Administrative Reconsideration Law: a wrong decision is revoked, or changed,
    # the change deciding the case again as a new version of the decision
    S.DECIDED: {A.SERVE: S.SERVED, A.REVOKE: S.REVOKED, A.CHANGE_DECISION: S.DECISION_PENDING},
    S.SERVED: {A.START_EXECUTION: S.EXECUTION, A.CLOSE: S.CLOSED, A.REVOKE: S.REVOKED,
               A.CHANGE_DECISION: S.DECISION_PENDING},
    S.EXECUTION: {A.CLOSE: S.CLOSED, A.REVOKE: S.REVOKED, A.CHANGE_DECISION: S.DECISION_PENDING},
    # a closed case's decision can still be revoked or changed on reconsideration or litigation
    S.CLOSED: {A.REVOKE: S.REVOKED, A.CHANGE_DECISION: S.DECISION_PENDING},
    S.NOT_FILED: {},
    S.TRANSFERRED: {},
    # APL art. 27(1): no criminal liability but a penalty is due -> handed back
    S.TRANSFERRED_JUDICIAL: {A.RETURN_FROM_JUDICIAL: S.INVESTIGATION},
    S.REVOKED: {},
}

TERMINAL_STATES = frozenset(s for s, moves in TRANSITIONS.items() if not moves)


class ForbiddenTransition(Exception):
    """An action not allowed from the case's current state (the service answers 409)."""

    def __init__(
        self, current: str, attempted: str, allowed: set[str], reason: str | None = None
    ):
        self.current = str(current)
        self.attempted = str(attempted)
        self.allowed = {str(a) for a in allowed}
        self.reason = reason
        detail = reason or "not allowed from this state"
        super().__init__(
            f"cannot {self.attempted} from {self.current}: {detail}; allowed: {sorted(self.allowed)}"
        )


@dataclass(frozen=True)
class CaseFacts:
    """What the guards need to know about a case beyond its state."""

    suspected_crime: bool = False
    legal_review_required: bool = False
    legal_review_passed: bool = False
    legal_review_rejected: bool = False  # the latest review was rejected: only a new one may pass
    hearing_right: bool = True  # the prior notice's penalty carries a hearing right (APL art. 63)
    hearing_held_by_now: bool = True  # the hearing was scheduled for today or earlier (APL art. 64)


# Administrative Penalty Law (2021) art. 27 and art. 57(1)(4): a suspected crime must go to
# judicial organs; the administrative organ may not settle it with a penalty instead.
def must_transfer_to_judicial(facts: CaseFacts) -> bool:
    return bool(facts.suspected_crime)


def allowed_transitions(state: CaseState | str) -> set[CaseAction]:
    return set(TRANSITIONS[CaseState(state)])


def _guard(state: CaseState, action: CaseAction, facts: CaseFacts) -> str | None:
    """Reason an otherwise allowed action is refused for this case, or None."""
    if action == A.DECIDE and must_transfer_to_judicial(facts):
        return "suspected crime: the case must be transferred to judicial organs (APL art. 27)"
    # Administrative Penalty Law (2021) art. 58: no decision without a passed legal review
    if action == A.DECIDE and facts.legal_review_rejected:
        return "the last legal review was rejected: a new review must pass before a decision (APL art. 58)"
    if (
        action == A.DECIDE
        and facts.legal_review_required
        and not facts.legal_review_passed
    ):
        return "legal review required and not passed (APL art. 58)"
    # Administrative Penalty Law (2021) art. 63: a hearing only where the penalty carries the right
    if action == A.REQUEST_HEARING and not facts.hearing_right:
        return "the intended penalty carries no hearing right (APL art. 63)"
    # Administrative Penalty Law (2021) art. 64: a hearing is concluded only once it was held
    if action == A.CONCLUDE_HEARING and not facts.hearing_held_by_now:
        return "the hearing is not scheduled, or set for a later day (APL art. 64)"
    return None


def offered_actions(state: CaseState | str, facts: CaseFacts) -> set[CaseAction]:
    """The actions a case may take next: its state's moves less those its facts refuse."""
    current = CaseState(state)
    return {a for a in TRANSITIONS[current] if _guard(current, a, facts) is None}


def check_transition(
    state: CaseState | str, action: CaseAction | str, facts: CaseFacts | None = None
) -> CaseState:
    """The state after ``action``; raises ForbiddenTransition with current and allowed actions."""
    try:
        current = CaseState(state)
    except ValueError:
        raise ForbiddenTransition(
            str(state), str(action), set(), "unknown state"
        ) from None
    moves = TRANSITIONS[current]
    try:
        act = CaseAction(action)
    except ValueError:
        raise ForbiddenTransition(
            current, str(action), set(moves), "unknown action"
        ) from None
    if act not in moves:
        raise ForbiddenTransition(current, act, set(moves))
    facts = facts or CaseFacts()
    reason = _guard(current, act, facts)
    if reason:
        raise ForbiddenTransition(current, act, offered_actions(current, facts) - {act}, reason)
    return moves[act]
