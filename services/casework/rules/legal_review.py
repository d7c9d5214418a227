"""The legal review gate before a decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from .versions import pick_version


@dataclass(frozen=True)
class ReviewThresholds:
    """[cfg] Fine from which a legal review is required regardless of other grounds."""

    version: str
    effective: date
    fine_at_or_above: Decimal


# [cfg] Default: fines of ¥100,000 or more go through legal review. Set by each authority's
# list of major cases; versioned.
LEGAL_REVIEW_THRESHOLDS: tuple[ReviewThresholds, ...] = (
    ReviewThresholds("review-2021-07-15", date(2021, 7, 15), Decimal(100000)),
)


@dataclass(frozen=True)
class CaseProfile:
    major_public_interest: bool = False
    had_hearing: bool = False
    complex_case: bool = False  # complex facts, many legal relationships
    proposed_fine: Decimal = Decimal(0)


class ReviewRequirement(NamedTuple):
    required: bool
    reasons: list[str]
    thresholds_version: str


# Administrative Penalty Law (2021) art. 58(1): legal review before deciding cases involving
# major public interest (1), decided after a hearing (2), complex cases (3), others by law (4).
def requires_legal_review(
    case: CaseProfile, as_of: date | None = None, version: str | None = None
) -> ReviewRequirement:
    t = pick_version(LEGAL_REVIEW_THRESHOLDS, as_of, version)
    reasons: list[str] = []
    if case.major_public_interest:
        reasons.append("major public interest (APL art. 58(1)(1))")
    if case.had_hearing:
        reasons.append("went through a hearing (APL art. 58(1)(2))")
    if case.complex_case:
        reasons.append("complex case (APL art. 58(1)(3))")
    if case.proposed_fine >= t.fine_at_or_above:
        reasons.append(
            f"fine {case.proposed_fine} >= {t.fine_at_or_above} [cfg] (APL art. 58(1)(4))"
        )
    return ReviewRequirement(bool(reasons), reasons, t.version)


@dataclass(frozen=True)
class LegalReview:
    reviewer_id: str
    outcome: Literal["pending", "passed", "rejected"]
    # Administrative Penalty Law (2021) art. 58(2): first-time reviewers must hold the
    # national legal professional qualification.
    reviewer_qualified: bool = True


def review_problems(
    review: LegalReview | None, investigators: Iterable[str]
) -> list[str]:
    if review is None:
        return ["no legal review recorded"]
    problems: list[str] = []
    if review.outcome != "passed":
        problems.append(f"legal review is {review.outcome}, not passed")
    if review.reviewer_id in set(investigators):
        problems.append(f"reviewer {review.reviewer_id} investigated the case")
    if not review.reviewer_qualified:
        problems.append(
            f"reviewer {review.reviewer_id} lacks the legal qualification (APL art. 58(2))"
        )
    return problems


# Administrative Penalty Law (2021) art. 58(1): no decision until the review is passed,
# by a reviewer who did not investigate.
def review_allows_decision(
    review: LegalReview | None, investigators: Iterable[str]
) -> bool:
    return not review_problems(review, investigators)


# Administrative Penalty Law (2021) art. 58(1): the facts that make a review required. Once set
# they restrain the officer, so only a recorded act of the legal reviewer or the organ's head, with
# a reason, may clear them (a gate is not lifted by the person it restrains).
ONE_WAY_FACTS = ("major_public_interest", "complex_case", "had_hearing", "suspected_crime")
FACT_CLEARING_ROLES = ("legal_reviewer", "head")


# Administrative Penalty Law (2021) art. 58: a rejected review stands until a new review passes,
# whatever the officer changes afterwards.
def new_review_needed(latest_review_status: str | None) -> bool:
    return latest_review_status == "rejected"


# Administrative Penalty Law (2021) art. 58 and SAMR Procedure Provisions art. 60: the reviewer
# is neither the one who submitted the case nor anyone who acted on its investigation, compared
# by principal (the credential's client id), not by the names the officer typed in.
def reviewer_principal_problems(reviewer: str, submitter: str | None, case_actors: Iterable[str]) -> list[str]:
    problems = []
    if submitter and reviewer == submitter:
        problems.append(f"reviewer {reviewer} submitted the case for review")
    elif reviewer in set(case_actors):
        problems.append(f"reviewer {reviewer} acted on the case's investigation")
    return problems
