"""Plain input data for the credit rules: records about a subject and its list memberships.

The rules take these small frozen dataclasses (built by the service from its tables) so they
stay pure and fast: no ORM objects, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.contracts.codes import (
    InspectionOutcome,
    ListKind,
    PenaltyKind,
    RecordKind,
    Severity,
)

# The codes other services send or read come from the one vocabulary; these names are the
# rules' shorthand for them.
R, K, S, L, O = RecordKind, PenaltyKind, Severity, ListKind, InspectionOutcome

# Record kinds (credit records filed by any department about a subject).
LICENCE, LICENCE_COMMITMENT, PENALTY, INSPECTION_RESULT = R.LICENCE, R.LICENCE_COMMITMENT, R.PENALTY, R.INSPECTION_RESULT
COMMITMENT_KEPT, COMMITMENT_BROKEN, COMPLAINT_UPHELD, HONOUR = (R.COMMITMENT_KEPT, R.COMMITMENT_BROKEN,
                                                                R.COMPLAINT_UPHELD, R.HONOUR)
ABNORMAL_ENTRY, ABNORMAL_EXIT, SERIOUS_ENTRY, SERIOUS_EXIT = (R.ABNORMAL_ENTRY, R.ABNORMAL_EXIT, R.SERIOUS_ENTRY,
                                                              R.SERIOUS_EXIT)
RECORD_KINDS = frozenset(RecordKind)

# Penalty severity (the class of dishonest conduct the penalty evidences).
MINOR, GENERAL, SERIOUS = S.MINOR, S.GENERAL, S.SERIOUS  # minor: the lightest publicity tier
SEVERITIES = tuple(Severity)

# Inspection outcomes, in the words of the published "double random" results.
PASSED, CORRECTED, PROBLEMS, NOT_FOUND = O.PASSED, O.CORRECTED_ON_SPOT, O.PROBLEMS_FOUND, O.NOT_FOUND
INSPECTION_OUTCOMES = tuple(InspectionOutcome)

# Penalty kinds (Administrative Penalty Law art. 9).
WARNING, CIRCULATED_CRITICISM, FINE = K.WARNING, K.CIRCULATED_CRITICISM, K.FINE
CONFISCATIONS = frozenset({K.CONFISCATION_OF_ILLEGAL_GAINS, K.CONFISCATION_OF_ILLEGAL_PROPERTY})
SUSPENSION, LICENCE_REVOCATION, CLOSURE = K.SUSPENSION, K.LICENCE_REVOCATION, K.CLOSURE
BUSINESS_RESTRICTION, EMPLOYMENT_RESTRICTION = K.BUSINESS_RESTRICTION, K.EMPLOYMENT_RESTRICTION

# List kinds.
ABNORMAL, SERIOUS_DISHONESTY, RED = L.ABNORMAL, L.SERIOUS_DISHONESTY, L.RED
LIST_KINDS = tuple(ListKind)

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
