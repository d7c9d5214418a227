"""Publicity periods of administrative penalty information, per platform, versioned by date in force.

A window is (start, end, rule version); a penalty that is not published gets end == start.
The version is chosen by the decision date: a penalty keeps the rules it was published under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .facts import (
    BUSINESS_RESTRICTION,
    CIRCULATED_CRITICISM,
    EMPLOYMENT_RESTRICTION,
    FINE,
    GENERAL,
    MINOR,
    SERIOUS,
    WARNING,
    RecordFact,
    add_months,
)

NATIONAL = "national_enterprise_credit_publicity"  # national enterprise credit publicity system
CREDIT_CHINA = "credit_china"
PLATFORMS = (NATIONAL, CREDIT_CHINA)


class PublicityWindow(NamedTuple):
    start: date
    end: date  # publicity ends on this day (end == start: not published)
    rule_version: str


@dataclass(frozen=True)
class NationalPublicityRule:
    version: str
    effective: date
    short_months: int  # circulated criticism or a small fine
    standard_months: int  # everything else published
    small_fine_max: float  # [cfg] "small fine" ceiling in yuan (set by each province)
    basis: str


# SAMR Provisions on Publicity of Administrative Penalty Information (2021): art. 2 warnings are not
# published; art. 14 3 months for circulated criticism or small fines, otherwise 3 years, and a
# restriction longer than 3 years stays published for its length.
NATIONAL_RULES = (
    NationalPublicityRule("national-2021.09", date(2021, 9, 1), short_months=3, standard_months=36,
                          small_fine_max=10_000.0,
                          basis="SAMR Provisions on Publicity of Administrative Penalty Information arts. 2, 14"),
)


@dataclass(frozen=True)
class CreditChinaRule:
    version: str
    effective: date
    months: dict  # severity -> (minimum months, maximum months); (0, 0) = not published
    basis: str


# Credit China publicity and repair periods by severity of the dishonest conduct.
CREDIT_CHINA_RULES = (
    # Credit China repair notice of 2019: general 3 months min, serious 1 year min, both published
    # up to 3 years [cfg: pending confirmation of the maxima].
    CreditChinaRule("creditchina-2019.07", date(2019, 7, 1),
                    {MINOR: (0, 0), GENERAL: (3, 36), SERIOUS: (12, 36)},
                    basis="NDRC General Office notice on credit repair (2019)"),
    # NDRC Measures for Credit Information Repair (Order No. 58, 2023): general 3 months min / 1 year
    # max, serious 1 / 3 years; summary-procedure penalties not published [cfg: pending confirmation].
    CreditChinaRule("creditchina-2023.05", date(2023, 5, 1),
                    {MINOR: (0, 0), GENERAL: (3, 12), SERIOUS: (12, 36)},
                    basis="NDRC Measures for Credit Information Repair (2023)"),
    # Credit China rules in force 2026-04-01: summary penalties at most 3 months.
    CreditChinaRule("creditchina-2026.04", date(2026, 4, 1),
                    {MINOR: (0, 3), GENERAL: (3, 12), SERIOUS: (12, 36)},
                    basis="NDRC credit repair rules in force 2026-04-01"),
)


def _in_force(rules, day: date):
    eligible = [r for r in rules if r.effective <= day]
    if not eligible:
        raise LookupError(f"no publicity rule in force on {day}")
    return eligible[-1]


def national_rule_for(day: date) -> NationalPublicityRule:
    return _in_force(NATIONAL_RULES, day)


def credit_china_rule_for(day: date) -> CreditChinaRule:
    return _in_force(CREDIT_CHINA_RULES, day)


def _national_window(p: RecordFact, decided_on: date) -> PublicityWindow:
    r = national_rule_for(decided_on)
    if p.penalty_kind == WARNING:
        return PublicityWindow(decided_on, decided_on, r.version)
    short = p.penalty_kind == CIRCULATED_CRITICISM or (
        p.penalty_kind == FINE and p.amount is not None and p.amount <= r.small_fine_max)
    end = add_months(decided_on, r.short_months if short else r.standard_months)
    if (p.penalty_kind in (BUSINESS_RESTRICTION, EMPLOYMENT_RESTRICTION)
            and p.restriction_end is not None and p.restriction_end > end):
        end = p.restriction_end  # a restriction longer than 3 years is published for its length
    return PublicityWindow(decided_on, end, r.version)


def _credit_china_window(p: RecordFact, decided_on: date) -> PublicityWindow:
    r = credit_china_rule_for(decided_on)
    _, max_months = r.months[p.severity or GENERAL]
    return PublicityWindow(decided_on, add_months(decided_on, max_months), r.version)


def publicity_window(penalty: RecordFact, decided_on: date, platform: str) -> PublicityWindow:
    """Publicity (start, end, rule version) of a penalty on `platform`."""
    if platform == NATIONAL:
        return _national_window(penalty, decided_on)
    if platform == CREDIT_CHINA:
        return _credit_china_window(penalty, decided_on)
    raise ValueError(f"unknown platform {platform!r}")


def minimum_publicity_end(penalty: RecordFact, decided_on: date) -> tuple[date, str]:
    """Credit China: earliest day publicity may end early by repair, with the rule version."""
    r = credit_china_rule_for(decided_on)
    min_months, _ = r.months[penalty.severity or GENERAL]
    return add_months(decided_on, min_months), r.version
