"""Whether a violation is the party's first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


# Administrative Penalty Law (2021) art. 33(1) second sentence: only a *first* violation may be
# waived. A party with any earlier penalty decision still in force (not revoked), from this
# or another department, is not a first offender.
def is_first_offence(prior_penalty_dates: Iterable[date], as_of: date) -> bool:
    return not any(d <= as_of for d in prior_penalty_dates)
