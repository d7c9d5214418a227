"""Plain input data for the credit rules: records about a subject and its list memberships.

The rules take these small frozen dataclasses (built by the service from its tables) so they
stay pure and fast: no ORM objects, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Record kinds (credit records filed by any department about a subject).
LICENCE = "licence"
LICENCE_COMMITMENT = "licence_commitment"  # licence granted by notification and commitment
PENALTY = "penalty"
INSPECTION_RESULT = "inspection_result"
COMMITMENT_KEPT = "commitment_kept"
COMMITMENT_BROKEN = "commitment_broken"
COMPLAINT_UPHELD = "complaint_upheld"
HONOUR = "honour"
ABNORMAL_ENTRY = "abnormal_entry"
ABNORMAL_EXIT = "abnormal_exit"
SERIOUS_ENTRY = "serious_entry"
SERIOUS_EXIT = "serious_exit"

RECORD_KINDS = frozenset({
    LICENCE, LICENCE_COMMITMENT, PENALTY, INSPECTION_RESULT, COMMITMENT_KEPT,
    COMMITMENT_BROKEN, COMPLAINT_UPHELD, HONOUR, ABNORMAL_ENTRY, ABNORMAL_EXIT,
    SERIOUS_ENTRY, SERIOUS_EXIT,
})

# Penalty severity (the class of dishonest conduct the penalty evidences).
MINOR = "minor"  # summary procedure / minor: the lightest publicity tier
GENERAL = "general"
SERIOUS = "serious"
SEVERITIES = (MINOR, GENERAL, SERIOUS)

# Inspection outcomes, in the words of the published "double random" results.
PASSED = "passed"
CORRECTED = "corrected"  # problems found and corrected on the spot
PROBLEMS = "problems"
NOT_FOUND = "not_found"  # subject not found at its registered address
INSPECTION_OUTCOMES = (PASSED, CORRECTED, PROBLEMS, NOT_FOUND)

# Penalty kinds (Administrative Penalty Law art. 9 types, in our words).
WARNING = "warning"
CIRCULATED_CRITICISM = "circulated_criticism"
FINE = "fine"
CONFISCATION = "confiscation"
SUSPENSION = "suspension"  # suspension of production or business
LICENCE_REVOCATION = "licence_revocation"
BUSINESS_RESTRICTION = "business_restriction"  # restriction of business activities / ordered closure
EMPLOYMENT_RESTRICTION = "employment_restriction"  # restriction on holding posts

# List kinds.
ABNORMAL = "abnormal"
SERIOUS_DISHONESTY = "serious_dishonesty"
RED = "red"
LIST_KINDS = (ABNORMAL, SERIOUS_DISHONESTY, RED)

# Industry risk levels.
INDUSTRY_RISKS = ("low", "medium", "high")


@dataclass(frozen=True, slots=True)
class RecordFact:
    record_id: str
    kind: str
    decision_date: date
    severity: str | None = None  # penalties only
    outcome: str | None = None  # inspection results only
    penalty_kind: str | None = None  # penalties only
    amount: float | None = None  # fine amount in yuan
    publicity_end: date | None = None  # set when publicity ended (expired or repaired)
    restriction_end: date | None = None  # end of a business/employment restriction


@dataclass(frozen=True, slots=True)
class ListMembership:
    list_kind: str
    entered_on: date
    reason: str = ""
    exited_on: date | None = None

    def active_on(self, day: date) -> bool:
        return self.entered_on <= day and (self.exited_on is None or self.exited_on > day)


def active_lists(memberships, day: date) -> frozenset[str]:
    """List kinds the subject is on at `day`."""
    return frozenset(m.list_kind for m in memberships if m.active_on(day))


def add_years(day: date, years: int) -> date:
    """Same calendar date `years` later (29 Feb falls to 28 Feb): how the law counts years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the month's end."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")
