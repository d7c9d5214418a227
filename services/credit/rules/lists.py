"""Credit lists: abnormal operations list, serious illegal and dishonest list, red list.

Entry and exit conditions are tables (code, description, basis) so a department can cite the
ground it used; the computations are pure functions over dates and plain facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .facts import (
    ABNORMAL,
    COMMITMENT_BROKEN,
    COMMITMENT_KEPT,
    COMPLAINT_UPHELD,
    HONOUR,
    PENALTY,
    SERIOUS_DISHONESTY,
    WARNING,
    active_lists,
    add_years,
)


@dataclass(frozen=True)
class ListGround:
    code: str
    description: str
    basis: str
    exit_when: str = ""


# --- abnormal operations list ------------------------------------------------------------

# Interim Measures for Administration of Lists of Enterprises with Abnormal Operations (2014) art. 4:
# the four grounds for entry; arts. 11-14: exit once the ground is corrected.
ABNORMAL_ENTRY_GROUNDS: dict[str, ListGround] = {g.code: g for g in (
    ListGround("annual_report_not_filed",
               "annual report not filed in the 1 January - 30 June window",
               "Interim Measures on Abnormal Operations Lists art. 4(1); Regulations on Enterprise Information Publicity art. 8",
               "the missing annual reports are filed and published"),
    ListGround("instant_info_not_published",
               "information the enterprise must publish itself not published within the ordered time",
               "Interim Measures on Abnormal Operations Lists art. 4(2); Regulations on Enterprise Information Publicity art. 10",
               "the information is published"),
    ListGround("false_information",
               "published information conceals the truth or is false",
               "Interim Measures on Abnormal Operations Lists art. 4(3)",
               "the information is corrected"),
    ListGround("unreachable_at_address",
               "cannot be contacted at its registered address or place of business",
               "Interim Measures on Abnormal Operations Lists art. 4(4)",
               "address changed by registration, or reachable again at the registered one"),
)}


def annual_report_window(report_year: int) -> tuple[date, date]:
    # Regulations on Enterprise Information Publicity art. 8: report for year Y filed 1 Jan - 30 Jun of Y+1.
    return date(report_year + 1, 1, 1), date(report_year + 1, 6, 30)


def annual_report_overdue(report_year: int, filed_on: date | None, as_of: date) -> bool:
    """True when the report for `report_year` was not filed by the end of its window."""
    _, last = annual_report_window(report_year)
    if filed_on is not None and filed_on <= last:
        return False
    return as_of > last and (filed_on is None or filed_on > last)


def abnormal_exit_allowed(ground: str, corrected: bool) -> tuple[bool, str]:
    """Exit from the abnormal operations list once the entry ground is corrected."""
    g = ABNORMAL_ENTRY_GROUNDS[ground]  # KeyError: not a recognised ground
    if corrected:
        return True, f"corrected: {g.exit_when} ({g.basis})"
    return False, f"not corrected yet: exit requires that {g.exit_when}"


# Regulations on Enterprise Information Publicity art. 17 / Interim Measures on Abnormal Operations
# Lists: 3 years on the abnormal list without correcting -> serious illegal and dishonest list.
ABNORMAL_ESCALATION_YEARS = 3


def abnormal_escalation_due(entered_on: date, as_of: date, exited_on: date | None = None) -> bool:
    """True when the subject has been on the abnormal list for the full 3 years uncorrected."""
    if exited_on is not None and exited_on <= as_of:
        return False
    return as_of >= add_years(entered_on, ABNORMAL_ESCALATION_YEARS)


# --- serious illegal and dishonest list -------------------------------------------------

# State Council General Office Guiding Opinions on the dishonesty restraint system (Guobanfa [2020]
# No. 49) sec. 2: list only for serious, legally defined conduct; SAMR Measures on the List of Serious
# Illegal and Dishonest Entities (2021) arts. 2-13: the market-regulation grounds.
SERIOUS_DISHONESTY_ENTRY_GROUNDS: dict[str, ListGround] = {g.code: g for g in (
    ListGround("escalated_from_abnormal",
               "3 years on the abnormal operations list without correcting",
               "Regulations on Enterprise Information Publicity art. 17; SAMR Serious Dishonesty List Measures art. 13"),
    ListGround("harm_to_life_and_health",
               "serious violation endangering life or health (food, drugs, special equipment, production safety) "
               "punished with a heavier penalty",
               "Guobanfa [2020] No. 49 sec. 2; SAMR Serious Dishonesty List Measures arts. 2, 5"),
    ListGround("lifelong_industry_ban",
               "violation punished with a lifelong ban from the industry",
               "Guobanfa [2020] No. 49 sec. 2; e.g. Food Safety Law art. 135"),
    ListGround("punitive_damages_or_fraud",
               "serious fraud on consumers or the market found by a decision carrying punitive sanctions",
               "SAMR Serious Dishonesty List Measures arts. 2, 6-9"),
    ListGround("refusing_to_perform",
               "refusing to perform a legal obligation (e.g. a penalty decision) with the ability to do so, "
               "seriously harming the credibility of the authorities",
               "Guobanfa [2020] No. 49 sec. 2"),
    ListGround("repeat_serious_violation",
               "repeated serious violations in the same field within the recorded period",
               "SAMR Serious Dishonesty List Measures art. 2"),
)}


def serious_dishonesty_entry_grounds(conditions) -> list[ListGround]:
    """The recognised grounds among `conditions`; unknown codes are refused (no list without law)."""
    unknown = [c for c in conditions if c not in SERIOUS_DISHONESTY_ENTRY_GROUNDS]
    if unknown:
        raise ValueError(f"not a statutory ground for the serious dishonesty list: {unknown}")
    return [SERIOUS_DISHONESTY_ENTRY_GROUNDS[c] for c in conditions]


# SAMR Serious Dishonesty List Measures (2021) arts. 19-20: removed after 3 years; early removal may
# be applied for after 1 year with obligations performed and no new violation.
SERIOUS_LIST_MAX_YEARS = 3
SERIOUS_LIST_EARLY_EXIT_YEARS = 1


def serious_dishonesty_exit(entered_on: date, as_of: date, obligations_performed: bool,
                            new_violation: bool = False) -> tuple[bool, list[str]]:
    """Whether the subject leaves (or may apply to leave) the serious dishonesty list on `as_of`."""
    if as_of >= add_years(entered_on, SERIOUS_LIST_MAX_YEARS):
        return True, [f"on the list {SERIOUS_LIST_MAX_YEARS} years (since {entered_on}): removed"]
    reasons = []
    earliest = add_years(entered_on, SERIOUS_LIST_EARLY_EXIT_YEARS)
    if as_of < earliest:
        reasons.append(f"early removal possible from {earliest} only")
    if not obligations_performed:
        reasons.append("legal obligations not yet performed")
    if new_violation:
        reasons.append("new violation while on the list")
    return (not reasons), (reasons or ["early removal: 1 year listed, obligations performed, no new violation"])


# --- red list ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RedListCriteria:
    version: str
    effective: date
    clean_years: int  # no published penalty (warnings aside) nor broken commitment in this period
    complaint_free_days: int
    good_record_years: int  # an honour or a kept commitment within this period


# [cfg] red list criteria (State Council Guiding Opinions on joint incentives for trustworthiness,
# Guofa [2016] No. 33 sec. 2: reward subjects with a good record); versions oldest first.
RED_LIST_CRITERIA = (
    RedListCriteria("red-2021.1", date(2021, 1, 1), clean_years=3, complaint_free_days=365, good_record_years=3),
)


def red_list_eligible(facts, memberships, as_of: date) -> tuple[bool, list[str], str]:
    """(eligible, reasons against or for, criteria version) for the red list on `as_of`."""
    c = [r for r in RED_LIST_CRITERIA if r.effective <= as_of][-1]
    clean_from = add_years(as_of, -c.clean_years)
    good_from = add_years(as_of, -c.good_record_years)
    against = []
    on = active_lists(memberships, as_of) & {ABNORMAL, SERIOUS_DISHONESTY}
    if on:
        against.append(f"on the {', '.join(sorted(on))} list")
    good = False
    for f in facts:
        if f.decision_date > as_of:
            continue
        if f.kind == PENALTY and f.penalty_kind != WARNING and f.decision_date > clean_from:
            against.append(f"penalty {f.record_id} of {f.decision_date} within {c.clean_years} years")
        elif f.kind == COMMITMENT_BROKEN and f.decision_date > clean_from:
            against.append(f"broken commitment {f.record_id} within {c.clean_years} years")
        elif f.kind == COMPLAINT_UPHELD and f.decision_date > as_of - timedelta(days=c.complaint_free_days):
            against.append(f"upheld complaint {f.record_id} within {c.complaint_free_days} days")
        elif f.kind in (HONOUR, COMMITMENT_KEPT) and f.decision_date > good_from:
            good = True
    if not good:
        against.append(f"no honour or kept commitment within {c.good_record_years} years")
    if against:
        return False, against, c.version
    return True, [f"clean record and good conduct under {c.version}"], c.version
