"""Risk early warning: a versioned, explainable risk score that raises alerts for key inspections.

Shanghai Implementation Recommendations (2020) para. 8 and 11: supervise by risk, link inspection
frequency to credit and risk. Factors, look-back windows and thresholds are [cfg]: versioned
models, each with the date it took effect; every assessment records the model version.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from .facts import (
    ABNORMAL,
    COMMITMENT_BROKEN,
    COMPLAINT_UPHELD,
    INSPECTION_RESULT,
    NOT_FOUND,
    PENALTY,
    PROBLEMS,
    SERIOUS_DISHONESTY,
)


@dataclass(frozen=True)
class RiskModel:
    version: str
    effective: date
    complaint_days: int  # look-back for upheld complaints (recent complaints matter)
    complaint_weight: float
    complaint_cap: float  # a complaint storm counts at most this much
    penalty_days: int
    penalty_weights: MappingProxyType  # severity -> weight
    inspection_days: int
    inspection_failure_weight: float  # problems or not found at address
    commitment_days: int
    broken_commitment_weight: float
    list_weights: MappingProxyType  # active list kind -> weight
    list_entry_days: int  # a fresh list entry (even if already exited) counts
    list_entry_weight: float
    industry: MappingProxyType  # industry risk level -> weight
    levels: tuple  # ((level, lowest score), ...) highest first
    alert_threshold: float


# [cfg] risk models, oldest first.
RISK_MODELS: tuple[RiskModel, ...] = (
    RiskModel(
        version="risk-2021.1", effective=date(2021, 1, 1),
        complaint_days=180, complaint_weight=6.0, complaint_cap=30.0,
        penalty_days=730, penalty_weights=MappingProxyType({"minor": 3.0, "general": 10.0, "serious": 25.0}),
        inspection_days=730, inspection_failure_weight=12.0,
        commitment_days=730, broken_commitment_weight=15.0,
        list_weights=MappingProxyType({ABNORMAL: 15.0, SERIOUS_DISHONESTY: 40.0}),
        list_entry_days=365, list_entry_weight=5.0,
        industry=MappingProxyType({"low": 0.0, "medium": 8.0, "high": 20.0}),
        levels=(("high", 60.0), ("medium", 30.0), ("low", float("-inf"))),
        alert_threshold=60.0,
    ),
    # 2025: complaints look back a full year; alerts fire earlier.
    RiskModel(
        version="risk-2025.1", effective=date(2025, 1, 1),
        complaint_days=365, complaint_weight=6.0, complaint_cap=30.0,
        penalty_days=730, penalty_weights=MappingProxyType({"minor": 3.0, "general": 10.0, "serious": 25.0}),
        inspection_days=730, inspection_failure_weight=12.0,
        commitment_days=730, broken_commitment_weight=15.0,
        list_weights=MappingProxyType({ABNORMAL: 15.0, SERIOUS_DISHONESTY: 40.0}),
        list_entry_days=365, list_entry_weight=5.0,
        industry=MappingProxyType({"low": 0.0, "medium": 8.0, "high": 20.0}),
        levels=(("high", 50.0), ("medium", 25.0), ("low", float("-inf"))),
        alert_threshold=50.0,
    ),
)


def risk_model_for(as_of: date) -> RiskModel:
    """The risk model in force on `as_of`."""
    i = bisect.bisect_right([m.effective for m in RISK_MODELS], as_of)
    if i == 0:
        raise LookupError(f"no risk model in force on {as_of}")
    return RISK_MODELS[i - 1]


@dataclass(frozen=True)
class RiskAssessment:
    score: float
    level: str  # low / medium / high
    alert: bool  # true: trigger a key (targeted) inspection
    reasons: tuple[str, ...]
    model_version: str


def _recent(d: date, as_of: date, days: int) -> bool:
    return as_of - timedelta(days=days) < d <= as_of


def assess_risk(facts, memberships, industry_risk: str, as_of: date,
                model: RiskModel | None = None) -> RiskAssessment:
    """Risk score with one reason per factor that contributed."""
    m = model or risk_model_for(as_of)
    reasons: list[str] = []
    score = 0.0
    complaints = [f for f in facts if f.kind == COMPLAINT_UPHELD and _recent(f.decision_date, as_of, m.complaint_days)]
    if complaints:
        part = min(len(complaints) * m.complaint_weight, m.complaint_cap)
        score += part
        reasons.append(f"{len(complaints)} upheld complaint(s) in {m.complaint_days} days "
                       f"({', '.join(f.record_id for f in complaints)}): +{part:g}")
    for f in facts:
        if f.kind == PENALTY and _recent(f.decision_date, as_of, m.penalty_days):
            w = m.penalty_weights.get(f.severity or "general", 0.0)
            score += w
            reasons.append(f"{f.severity} penalty {f.record_id} of {f.decision_date}: +{w:g}")
        elif (f.kind == INSPECTION_RESULT and f.outcome in (PROBLEMS, NOT_FOUND)
              and _recent(f.decision_date, as_of, m.inspection_days)):
            score += m.inspection_failure_weight
            reasons.append(f"inspection failure {f.record_id} ({f.outcome}) of {f.decision_date}: "
                           f"+{m.inspection_failure_weight:g}")
        elif f.kind == COMMITMENT_BROKEN and _recent(f.decision_date, as_of, m.commitment_days):
            score += m.broken_commitment_weight
            reasons.append(f"broken commitment {f.record_id} of {f.decision_date}: "
                           f"+{m.broken_commitment_weight:g}")
    for ms in memberships:
        if ms.active_on(as_of) and ms.list_kind in m.list_weights:
            w = m.list_weights[ms.list_kind]
            score += w
            reasons.append(f"on the {ms.list_kind} list since {ms.entered_on}: +{w:g}")
        elif ms.list_kind in m.list_weights and _recent(ms.entered_on, as_of, m.list_entry_days):
            score += m.list_entry_weight
            reasons.append(f"entered the {ms.list_kind} list on {ms.entered_on} (since left): "
                           f"+{m.list_entry_weight:g}")
    ind = m.industry[industry_risk]
    if ind:
        score += ind
        reasons.append(f"industry risk {industry_risk}: +{ind:g}")
    level = next(name for name, low in m.levels if score >= low)
    alert = score >= m.alert_threshold
    if alert:
        reasons.append(f"score {score:g} >= alert threshold {m.alert_threshold:g} of {m.version}")
    return RiskAssessment(round(score, 2), level, alert, tuple(reasons), m.version)
