"""Who may investigate a case."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Administrative Penalty Law (2021) art. 42(1): at least two enforcement officers.
MIN_INVESTIGATORS = 2


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    officer_id: str | None = None


def check_investigators(
    investigator_ids: Iterable[str],
    interests: Mapping[str, Iterable[str]],
    subject: str,
    reviewer_id: str | None = None,
) -> list[Problem]:
    """Problems with the investigating team; empty when it may proceed.

    ``interests`` maps an officer id to the subjects (USCCs or ids) in which they declared an
    interest; ``reviewer_id`` is the case's legal reviewer, if already named.
    """
    ids = list(investigator_ids)
    problems: list[Problem] = []
    for officer, n in Counter(ids).items():
        if n > 1:
            problems.append(
                Problem(
                    "duplicate_investigator", f"{officer} listed {n} times", officer
                )
            )
    distinct = list(dict.fromkeys(ids))
    if len(distinct) < MIN_INVESTIGATORS:
        problems.append(
            Problem(
                "too_few_investigators",
                f"{len(distinct)} investigator(s); at least {MIN_INVESTIGATORS} required (APL art. 42)",
            )
        )
    for officer in distinct:
        # Administrative Penalty Law (2021) art. 43(1): an officer with a direct interest in
        # the case must withdraw.
        if subject in set(interests.get(officer, ())):
            problems.append(
                Problem(
                    "recusal_interest",
                    f"{officer} declared an interest in {subject} (APL art. 43)",
                    officer,
                )
            )
        # Administrative Penalty Law (2021) art. 58 and SAMR Procedure Provisions: the legal
        # review is done by others than the officers who investigated.
        if reviewer_id is not None and officer == reviewer_id:
            problems.append(
                Problem(
                    "recusal_reviewer",
                    f"{officer} is also the legal reviewer (APL art. 58)",
                    officer,
                )
            )
    return problems
