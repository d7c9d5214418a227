"""Comprehensive credit evaluation: an explainable grade A (low risk) .. D (high risk).

Shanghai Implementation Recommendations on on-processing and post-event supervision (2020)
para. 7-8: evaluate market participants' public credit and supervise them by grade.
Weights, windows and cut-offs are [cfg]: versioned rule sets, each with the date it took effect;
every grade records the version that produced it.

Score convention: a higher score means higher risk. Records add their weight (negative for
good records), old records weigh less then nothing, lists set floors.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import MappingProxyType

from .facts import (
    ABNORMAL,
    COMMITMENT_BROKEN,
    COMMITMENT_KEPT,
    COMPLAINT_UPHELD,
    CORRECTED,
    GENERAL,
    HONOUR,
    INSPECTION_RESULT,
    MINOR,
    NOT_FOUND,
    PASSED,
    PENALTY,
    PROBLEMS,
    RED,
    SERIOUS,
    SERIOUS_DISHONESTY,
    RecordFact,
    add_years,
)

GRADES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class GradingRuleSet:
    version: str
    effective: date
    base: float
    # (record kind, severity or inspection outcome or None) -> weight; missing means 0.
    weights: MappingProxyType
    full_weight_years: int  # records younger than this count fully
    window_years: int  # records older than this count for nothing
    aged_factor: float  # share of the weight between the two
    industry: MappingProxyType  # industry risk level -> added score
    red_list_bonus: float  # subtracted while on the red list
    cutoffs: tuple  # ((grade, highest score for it), ...) for A, B, C; above the last: D
    abnormal_floor: str = "C"  # grade at least this while on the abnormal operations list
    serious_grade: str = "D"  # grade while on the serious illegal and dishonest list


def _weights(**overrides: float) -> MappingProxyType:
    table = {
        (PENALTY, MINOR): 5.0,
        (PENALTY, GENERAL): 15.0,
        (PENALTY, SERIOUS): 35.0,
        (INSPECTION_RESULT, PASSED): -2.0,
        (INSPECTION_RESULT, CORRECTED): 3.0,
        (INSPECTION_RESULT, PROBLEMS): 10.0,
        (INSPECTION_RESULT, NOT_FOUND): 8.0,
        (COMMITMENT_KEPT, None): -3.0,
        (COMMITMENT_BROKEN, None): 20.0,
        (COMPLAINT_UPHELD, None): 4.0,
        (HONOUR, None): -10.0,
    }
    for key, value in overrides.items():
        kind, _, qual = key.partition("__")
        table[(kind, qual or None)] = value
    return MappingProxyType(table)


# [cfg] grading rule sets, oldest first. Defaults chosen for the pilot; operators add versions.
GRADING_RULE_SETS: tuple[GradingRuleSet, ...] = (
    GradingRuleSet(
        version="grading-2021.1", effective=date(2021, 1, 1), base=10.0,
        weights=_weights(), full_weight_years=2, window_years=3, aged_factor=0.5,
        industry=MappingProxyType({"low": 0.0, "medium": 5.0, "high": 10.0}),
        red_list_bonus=10.0, cutoffs=(("A", 15.0), ("B", 30.0), ("C", 60.0)),
    ),
    # 2025: upheld complaints and broken commitments weigh more; one year at full weight.
    GradingRuleSet(
        version="grading-2025.1", effective=date(2025, 1, 1), base=10.0,
        weights=_weights(complaint_upheld=6.0, commitment_broken=25.0),
        full_weight_years=1, window_years=3, aged_factor=0.5,
        industry=MappingProxyType({"low": 0.0, "medium": 5.0, "high": 12.0}),
        red_list_bonus=10.0, cutoffs=(("A", 15.0), ("B", 30.0), ("C", 60.0)),
    ),
)
_EFFECTIVE = [rs.effective for rs in GRADING_RULE_SETS]


@lru_cache(maxsize=4096)
def rule_set_for(as_of: date, rule_sets: tuple[GradingRuleSet, ...] = GRADING_RULE_SETS) -> GradingRuleSet:
    """The grading rule set in force on `as_of` (latest effective date not after it)."""
    dates = _EFFECTIVE if rule_sets is GRADING_RULE_SETS else [r.effective for r in rule_sets]
    i = bisect.bisect_right(dates, as_of)
    if i == 0:
        raise LookupError(f"no grading rule set in force on {as_of}")
    return rule_sets[i - 1]


@lru_cache(maxsize=4096)
def _cutoff(as_of: date, years: int) -> date:
    """Latest decision date d with add_years(d, years) <= as_of (records at or before it aged)."""
    cut = add_years(as_of, -years)
    if as_of.month == 2 and as_of.day == 28:  # 29 Feb of a leap year also reaches 28 Feb
        try:
            cut = cut.replace(day=29)
        except ValueError:
            pass
    return cut


def _grade_of(score: float, cutoffs) -> str:
    for grade, limit in cutoffs:
        if score <= limit:
            return grade
    return "D"


def _worse(a: str, b: str) -> str:
    return max(b, a)  # "A" < "B" < ... and D is worst


def grade_score_fast(facts, memberships, industry_risk: str, as_of: date,
                     rule_set: GradingRuleSet | None = None) -> tuple[str, float]:
    """(grade, score) without the explanation: the hot path for bulk regrading."""
    rs = rule_set or rule_set_for(as_of)
    weights = rs.weights
    full_cut = _cutoff(as_of, rs.full_weight_years)
    window_cut = _cutoff(as_of, rs.window_years)
    aged = rs.aged_factor
    score = rs.base + rs.industry[industry_risk]
    for f in facts:
        w = weights.get((f.kind, f.severity or f.outcome))
        if not w:
            continue
        d = f.decision_date
        if d > as_of or d <= window_cut:
            continue
        pe = f.publicity_end
        if pe is not None and pe <= as_of:
            continue
        score += w if d > full_cut else w * aged
    serious = abnormal = red = False
    for m in memberships:
        if m.entered_on <= as_of and (m.exited_on is None or m.exited_on > as_of):
            k = m.list_kind
            if k == SERIOUS_DISHONESTY:
                serious = True
            elif k == ABNORMAL:
                abnormal = True
            elif k == RED:
                red = True
    if red and not serious and not abnormal:
        score -= rs.red_list_bonus
    if serious:
        return rs.serious_grade, score
    grade = _grade_of(score, rs.cutoffs)
    if abnormal:
        grade = _worse(grade, rs.abnormal_floor)
    return grade, score


# --- explained path -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Contribution:
    record_id: str | None  # None for subject-level items (base, industry, red list)
    kind: str
    weight: float
    reason: str


@dataclass(frozen=True)
class GradeExplanation:
    grade: str
    score: float
    score_grade: str  # the grade the score alone gives, before list floors
    rule_set_version: str
    as_of: date
    contributions: tuple[Contribution, ...]
    list_effects: tuple[str, ...] = field(default_factory=tuple)
    what_would_change: tuple[str, ...] = field(default_factory=tuple)


def _record_contribution(f: RecordFact, rs: GradingRuleSet, as_of: date) -> tuple[float, str, list]:
    """Weight of one record now, why, and the future dates its weight changes [(date, new)]."""
    w = rs.weights.get((f.kind, f.severity or f.outcome))
    label = f.kind + (f"/{f.severity or f.outcome}" if (f.severity or f.outcome) else "")
    if not w:
        return 0.0, f"{label}: no weight in {rs.version}", []
    d = f.decision_date
    if d > as_of:
        return 0.0, f"{label}: decided after {as_of}", []
    if f.publicity_end is not None and f.publicity_end <= as_of:
        return 0.0, f"{label}: publicity ended {f.publicity_end}", []
    aged_on = add_years(d, rs.full_weight_years)
    gone_on = add_years(d, rs.window_years)
    if gone_on <= as_of:
        return 0.0, f"{label}: older than {rs.window_years} year(s), no weight", []
    changes = []
    if aged_on > as_of:
        weight, why = w, f"{label} of {d}: full weight (under {rs.full_weight_years} year(s) old)"
        changes.append((aged_on, w * rs.aged_factor))
    else:
        weight = w * rs.aged_factor
        why = f"{label} of {d}: {rs.aged_factor:g} weight (over {rs.full_weight_years} year(s) old)"
    end = gone_on
    if f.publicity_end is not None and f.publicity_end < end:
        end = f.publicity_end
        changes = [c for c in changes if c[0] < end]
    changes.append((end, 0.0))
    return weight, why, changes


def grade_subject(facts, memberships, industry_risk: str, as_of: date,
                  rule_set: GradingRuleSet | None = None) -> GradeExplanation:
    """Grade with every record's contribution and concrete ways the grade would improve."""
    rs = rule_set or rule_set_for(as_of)
    contributions = [Contribution(None, "base", rs.base, f"base score of {rs.version}")]
    ind = rs.industry[industry_risk]
    contributions.append(Contribution(None, "industry_risk", ind, f"industry risk {industry_risk}"))
    score = rs.base + ind
    timeline: list[tuple[date, float, str]] = []  # (date, delta, record id)
    for f in facts:
        weight, why, changes = _record_contribution(f, rs, as_of)
        contributions.append(Contribution(f.record_id, f.kind, weight, why))
        score += weight
        current = weight
        for day, new in changes:
            timeline.append((day, new - current, f.record_id))
            current = new
    active = {m.list_kind: m for m in memberships if m.active_on(as_of)}
    serious, abnormal, red = (active.get(k) for k in (SERIOUS_DISHONESTY, ABNORMAL, RED))
    effects, changes_text = [], []
    if red and not serious and not abnormal:
        score -= rs.red_list_bonus
        contributions.append(Contribution(None, "red_list", -rs.red_list_bonus,
                                          f"on the red list since {red.entered_on}"))
    score_grade = _grade_of(score, rs.cutoffs)
    grade = score_grade
    if serious:
        grade = rs.serious_grade
        effects.append(f"on the serious illegal and dishonest list since {serious.entered_on}: "
                       f"grade {rs.serious_grade} whatever the score")
        changes_text.append(f"leaving the serious dishonesty list would remove the "
                            f"{rs.serious_grade} grade (score alone gives {score_grade})")
    elif abnormal:
        grade = _worse(score_grade, rs.abnormal_floor)
        effects.append(f"on the abnormal operations list since {abnormal.entered_on}: "
                       f"grade at least {rs.abnormal_floor}")
        if grade != score_grade:
            changes_text.append(f"exit from the abnormal operations list (once '{abnormal.reason or 'the reason'}' "
                                f"is corrected) would lift the {rs.abnormal_floor} floor "
                                f"(score alone gives {score_grade})")
    if red and (serious or abnormal):
        effects.append("red list bonus withheld while on another list")
    changes_text.extend(_score_paths(score, score_grade, timeline, rs))
    return GradeExplanation(grade, round(score, 2), score_grade, rs.version, as_of,
                            tuple(contributions), tuple(effects), tuple(changes_text))


def _score_paths(score: float, score_grade: str, timeline, rs: GradingRuleSet) -> list[str]:
    """Statements on how the score reaches the next better grade as records age out."""
    if score_grade == "A":
        return []
    better = GRADES[GRADES.index(score_grade) - 1]
    limit = dict(rs.cutoffs)[better]
    out = [f"score {score:g} needs <= {limit:g} for {better}"]
    running = score
    last_change = {rid: day for day, _, rid in timeline}
    for day, delta, rid in sorted(timeline):
        running += delta
        if delta >= 0:
            continue  # a good record ageing raises the score: counted, not offered as a path
        what = "leaves the window" if last_change[rid] == day else "weighs less"
        out.append(f"record {rid} ({delta:+g}) {what} on {day}: score {running:g}")
        if running <= limit:
            out.append(f"with no new records the score reaches {better} on {day}")
            return out
        if len(out) > 6:
            return out
    out.append(f"records ageing out alone leave the score at {running:g}: still above {limit:g}")
    return out
