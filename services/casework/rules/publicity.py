"""Publicity of penalty decisions."""

from __future__ import annotations

from datetime import date

from shared.workdays import Deadline, working_deadline

from .penalties import PenaltyKind

# Provisions on Publicity of Administrative Penalty Information in Market Regulation (SAMR
# 2021): penalty decisions are published, except warnings (simplified-procedure type).
UNPUBLISHED_KINDS = frozenset({PenaltyKind.WARNING})


def is_publishable(penalty_kind: PenaltyKind | str) -> bool:
    return PenaltyKind(penalty_kind) not in UNPUBLISHED_KINDS


def decision_publishable(kinds: set[PenaltyKind] | frozenset[PenaltyKind]) -> bool:
    """A decision is published when any penalty in it is publishable."""
    return any(is_publishable(k) for k in kinds)


# Same Provisions: published within 20 working days of the decision.
PUBLICATION_WORKING_DAYS = 20
# "Double publicity" of licences and penalties on credit websites: within 7 working days.
CREDIT_SITE_WORKING_DAYS = 7
# Administrative Penalty Law (2021) art. 48(2) and the Provisions: a changed, revoked or
# annulled decision is withdrawn within 3 working days.
WITHDRAWAL_WORKING_DAYS = 3


def publication_deadline(decided_on: date) -> Deadline:
    return working_deadline(decided_on, PUBLICATION_WORKING_DAYS)


def credit_site_deadline(decided_on: date) -> Deadline:
    return working_deadline(decided_on, CREDIT_SITE_WORKING_DAYS)


def withdrawal_deadline(changed_on: date) -> Deadline:
    return working_deadline(changed_on, WITHDRAWAL_WORKING_DAYS)
