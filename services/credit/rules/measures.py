"""Credit check before acting: the joint reward and punishment measures in force for a subject.

Any department asks before licensing, funding, procurement, honours or inspection planning; the
answer lists each measure with the list or record that triggers it and its legal basis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .facts import ABNORMAL, COMMITMENT_BROKEN, RED, SERIOUS_DISHONESTY, active_lists

REWARD = "reward"
PUNISHMENT = "punishment"


@dataclass(frozen=True)
class Measure:
    code: str
    kind: str  # reward | punishment
    description: str
    basis: str
    trigger: str = ""


_GUOFA_33_PUNISH = "Guofa [2016] No. 33 (joint incentives and joint punishment) sec. 3"
_GUOFA_33_REWARD = "Guofa [2016] No. 33 (joint incentives and joint punishment) sec. 2"
_PUBLICITY_18 = "Regulations on Enterprise Information Publicity art. 18"

# Guofa [2016] No. 33 sec. 3 and Regulations on Enterprise Information Publicity art. 18: joint
# punishment of subjects on the serious illegal and dishonest list.
SERIOUS_DISHONESTY_MEASURES: tuple[Measure, ...] = (
    Measure("restricted_market_entry", PUNISHMENT,
            "market entry and administrative licensing in the affected fields restricted by law", _GUOFA_33_PUNISH),
    Measure("no_notification_commitment", PUNISHMENT,
            "may not obtain licences or certificates by notification and commitment",
            "Guobanfa [2020] No. 42 (notification and commitment system) sec. 3"),
    Measure("restricted_public_procurement", PUNISHMENT,
            "restricted in government procurement, project bidding and state land transfer",
            f"{_PUBLICITY_18}; Government Procurement Law art. 22"),
    Measure("restricted_public_funding", PUNISHMENT,
            "restricted in applying for public funds and policy support", _GUOFA_33_PUNISH),
    Measure("no_honours", PUNISHMENT, "no honours or titles awarded", f"{_PUBLICITY_18}; {_GUOFA_33_PUNISH}"),
    Measure("restricted_posts", PUNISHMENT,
            "responsible persons restricted from posts as legal representative, director or manager",
            f"{_GUOFA_33_PUNISH}; Company Law (2023) art. 178"),
    Measure("more_frequent_inspections", PUNISHMENT,
            "key supervision: higher inspection ratio and frequency",
            f"{_GUOFA_33_PUNISH}; Shanghai Implementation Recommendations (2020) para. 11"),
)

# Regulations on Enterprise Information Publicity art. 18: subjects on the abnormal operations list
# are restricted in procurement, bidding, land and honours; inspection frequency follows credit.
ABNORMAL_MEASURES: tuple[Measure, ...] = (
    Measure("restricted_public_procurement", PUNISHMENT,
            "restricted in government procurement, project bidding and state land transfer", _PUBLICITY_18),
    Measure("no_honours", PUNISHMENT, "no honours or titles awarded", _PUBLICITY_18),
    Measure("more_frequent_inspections", PUNISHMENT,
            "higher inspection ratio and frequency until the subject leaves the list",
            "Shanghai Implementation Recommendations (2020) para. 11"),
)

# Guofa [2016] No. 33 sec. 2: rewards for trustworthy subjects (red list).
RED_LIST_MEASURES: tuple[Measure, ...] = (
    Measure("fast_track_licensing", REWARD,
            "green channel: priority handling, acceptance with minor documents pending", _GUOFA_33_REWARD),
    Measure("fewer_inspections", REWARD,
            "lower inspection ratio and frequency in random inspections",
            f"{_GUOFA_33_REWARD}; Shanghai Implementation Recommendations (2020) para. 11"),
    Measure("priority_public_support", REWARD,
            "priority consideration for public funds, procurement and honours", _GUOFA_33_REWARD),
)

# Guobanfa [2020] No. 42 sec. 3: a subject who broke a commitment loses the commitment route for a
# period. [cfg] the period, in days.
BROKEN_COMMITMENT_EXCLUSION_DAYS = 365
BROKEN_COMMITMENT_MEASURE = Measure(
    "no_notification_commitment", PUNISHMENT,
    "may not use notification and commitment after a broken commitment",
    "Guobanfa [2020] No. 42 (notification and commitment system) sec. 3")

_BY_LIST = {SERIOUS_DISHONESTY: SERIOUS_DISHONESTY_MEASURES, ABNORMAL: ABNORMAL_MEASURES}


def measures_in_force(memberships, facts, as_of: date) -> list[Measure]:
    """Measures applying on `as_of`, punishments first, each once (the first trigger wins)."""
    lists = active_lists(memberships, as_of)
    out: dict[str, Measure] = {}
    for list_kind in (SERIOUS_DISHONESTY, ABNORMAL):
        if list_kind in lists:
            for m in _BY_LIST[list_kind]:
                out.setdefault(m.code, _with_trigger(m, f"{list_kind} list"))
    since = as_of - timedelta(days=BROKEN_COMMITMENT_EXCLUSION_DAYS)
    for f in facts:
        if f.kind == COMMITMENT_BROKEN and since < f.decision_date <= as_of:
            out.setdefault(BROKEN_COMMITMENT_MEASURE.code,
                           _with_trigger(BROKEN_COMMITMENT_MEASURE, f"broken commitment {f.record_id}"))
    # Rewards never apply while a punishment list is in force: punishment prevails.
    if RED in lists and not (lists & {SERIOUS_DISHONESTY, ABNORMAL}):
        for m in RED_LIST_MEASURES:
            out.setdefault(m.code, _with_trigger(m, "red list"))
    return list(out.values())


def _with_trigger(m: Measure, trigger: str) -> Measure:
    return Measure(m.code, m.kind, m.description, m.basis, trigger)
