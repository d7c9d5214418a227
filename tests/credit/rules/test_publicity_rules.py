from datetime import date

import pytest

from services.credit.rules.facts import RecordFact
from services.credit.rules.publicity import (
    CREDIT_CHINA,
    NATIONAL,
    minimum_publicity_end,
    publicity_window,
)

D = date(2025, 5, 10)


def pen(penalty_kind="fine", amount=None, severity="general", restriction_end=None):
    return RecordFact("p", "penalty", D, severity=severity, penalty_kind=penalty_kind, amount=amount,
                      restriction_end=restriction_end)


def test_national_warnings_not_published():
    assert publicity_window(pen("warning"), D, NATIONAL) == (D, D, "national-2021.09")


def test_national_three_months_for_criticism_or_small_fine_else_three_years():
    assert publicity_window(pen("circulated_criticism"), D, NATIONAL).end == date(2025, 8, 10)
    assert publicity_window(pen("fine", 2000), D, NATIONAL).end == date(2025, 8, 10)
    assert publicity_window(pen("fine", 200_000), D, NATIONAL).end == date(2028, 5, 10)
    assert publicity_window(pen("confiscation_of_illegal_gains"), D, NATIONAL).end == date(2028, 5, 10)


def test_national_long_restriction_published_for_its_length():
    long = pen("employment_restriction", restriction_end=date(2030, 5, 10))
    assert publicity_window(long, D, NATIONAL).end == date(2030, 5, 10)
    short = pen("employment_restriction", restriction_end=date(2026, 5, 10))
    assert publicity_window(short, D, NATIONAL).end == date(2028, 5, 10)


def test_credit_china_versions_by_decision_date():
    assert publicity_window(pen(severity="minor"), D, CREDIT_CHINA) == (D, D, "creditchina-2023.05")
    later = date(2026, 4, 1)
    assert publicity_window(pen(severity="minor"), later, CREDIT_CHINA) == (later, date(2026, 7, 1),
                                                                            "creditchina-2026.04")
    assert publicity_window(pen(), D, CREDIT_CHINA).end == date(2026, 5, 10)
    assert publicity_window(pen(severity="serious"), D, CREDIT_CHINA).end == date(2028, 5, 10)
    assert publicity_window(pen(), date(2020, 1, 1), CREDIT_CHINA) == (date(2020, 1, 1), date(2023, 1, 1),
                                                                       "creditchina-2019.07")


def test_credit_china_minimum_periods():
    assert minimum_publicity_end(pen(), D) == (date(2025, 8, 10), "creditchina-2023.05")
    assert minimum_publicity_end(pen(severity="serious"), D)[0] == date(2026, 5, 10)


def test_unknown_platform_refused():
    with pytest.raises(ValueError):
        publicity_window(pen(), D, "weibo")
