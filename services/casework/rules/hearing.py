"""The party's right to a hearing, and its deadlines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal, NamedTuple

from shared.workdays import Deadline, working_days_between, working_deadline

from .penalties import PenaltyKind
from .versions import pick_version

PartyType = Literal["organisation", "individual"]


@dataclass(frozen=True)
class HearingThresholds:
    """What counts as a 'large' fine or confiscation. [cfg]: set by local rules, versioned."""

    version: str
    effective: date
    fine_organisation: Decimal
    fine_individual: Decimal
    confiscation_organisation: Decimal
    confiscation_individual: Decimal
    # [cfg] penalties treated as "other heavier penalties" (APL art. 63(1)(5))
    other_heavier_kinds: frozenset[PenaltyKind] = frozenset()


# [cfg] Default large-amount thresholds (organisation >= ¥100,000, individual >= ¥5,000);
# local regulations may set other figures: add a version with its effective date.
HEARING_THRESHOLDS: tuple[HearingThresholds, ...] = (
    HearingThresholds(
        version="hearing-2021-07-15",
        effective=date(2021, 7, 15),  # APL 2021 revision in force
        fine_organisation=Decimal(100000),
        fine_individual=Decimal(5000),
        confiscation_organisation=Decimal(100000),
        confiscation_individual=Decimal(5000),
        other_heavier_kinds=frozenset({PenaltyKind.LICENCE_SUSPENSION}),
    ),
)

# Administrative Penalty Law (2021) art. 63(1)(3)-(4): lowering a qualification grade,
# revoking a licence, ordering suspension of business, closure or restricting employment
# always carry the right to a hearing.
HEARING_KINDS: frozenset[PenaltyKind] = frozenset(
    {
        PenaltyKind.QUALIFICATION_LOWERING,
        PenaltyKind.LICENCE_REVOCATION,
        PenaltyKind.SUSPENSION,
        PenaltyKind.CLOSURE,
        PenaltyKind.EMPLOYMENT_RESTRICTION,
    }
)


@dataclass(frozen=True)
class ProposedPenalty:
    party_type: PartyType
    kinds: frozenset[PenaltyKind] = field(default_factory=frozenset)
    fine: Decimal = Decimal(0)
    confiscation_value: Decimal = Decimal(0)  # illegal gains + illegal property


class HearingRight(NamedTuple):
    applies: bool
    reasons: list[str]
    thresholds_version: str


# Administrative Penalty Law (2021) art. 63: large fines, large confiscations, licence
# revocation/lowered grade, suspension/closure/employment ban, other heavier penalties.
def hearing_right_applies(
    penalty: ProposedPenalty, as_of: date | None = None, version: str | None = None
) -> HearingRight:
    t = pick_version(HEARING_THRESHOLDS, as_of, version)
    org = penalty.party_type == "organisation"
    reasons: list[str] = []
    fine_line = t.fine_organisation if org else t.fine_individual
    if penalty.fine >= fine_line:
        reasons.append(f"large fine: {penalty.fine} >= {fine_line} (APL art. 63(1)(1))")
    conf_line = t.confiscation_organisation if org else t.confiscation_individual
    if penalty.confiscation_value >= conf_line:
        reasons.append(
            f"large confiscation: {penalty.confiscation_value} >= {conf_line} (APL art. 63(1)(2))"
        )
    for kind in sorted(penalty.kinds & HEARING_KINDS):
        reasons.append(f"{kind} (APL art. 63(1)(3)-(4))")
    for kind in sorted(penalty.kinds & t.other_heavier_kinds):
        reasons.append(f"{kind}: other heavier penalty [cfg] (APL art. 63(1)(5))")
    return HearingRight(bool(reasons), reasons, t.version)


# Administrative Penalty Law (2021) art. 64(1): the party asks for a hearing within 5 days
# of being told of the right; art. 85: the law's "5 days" are working days.
HEARING_REQUEST_WORKING_DAYS = 5
# Administrative Penalty Law (2021) art. 64(2): the party is told the time and place 7 days
# before the hearing; art. 85: working days, statutory holidays excluded.
HEARING_NOTICE_WORKING_DAYS_AHEAD = 7


def hearing_request_deadline(notified_on: date) -> Deadline:
    """Last day the party may request a hearing (5 working days after being told)."""
    return working_deadline(notified_on, HEARING_REQUEST_WORKING_DAYS)


def hearing_notice_in_time(notice_served_on: date, hearing_on: date) -> bool:
    """At least 7 working days lie between the notice (not counted) and the hearing day."""
    if notice_served_on >= hearing_on:
        return False
    return working_days_between(notice_served_on, hearing_on) >= HEARING_NOTICE_WORKING_DAYS_AHEAD


def latest_hearing_notice_date(hearing_on: date) -> date:
    """Last day the hearing notice may reach the party."""
    day = hearing_on - timedelta(days=HEARING_NOTICE_WORKING_DAYS_AHEAD)
    # Walk back over weekends and holidays until 7 working days separate notice and hearing.
    while not hearing_notice_in_time(day, hearing_on):
        day -= timedelta(days=1)
    return day
