from decimal import Decimal

import pytest

from services.casework.rules.rewards import REWARD_TABLES, reward_amount


def test_rates_by_grade():
    assert reward_amount(1, Decimal(1000000)).amount == Decimal("50000.00")
    assert reward_amount(2, Decimal(1000000)).amount == Decimal("30000.00")
    assert reward_amount(3, Decimal(900000), Decimal(100000)).amount == Decimal(
        "10000.00"
    )


def test_minimums_apply():
    for grade, minimum in ((1, "5000"), (2, "3000"), (3, "1000")):
        r = reward_amount(grade, Decimal(10000))
        assert r.amount == Decimal(minimum) and r.minimum_applied and not r.cap_applied


def test_cap_per_case():
    r = reward_amount(1, Decimal(50000000))
    assert r.amount == Decimal(1000000) and r.cap_applied
    assert reward_amount(1, Decimal(20000000)).cap_applied is False  # exactly 1,000,000


def test_money_is_decimal_and_version_recorded():
    r = reward_amount(2, Decimal("123456.78"))
    assert r.amount == Decimal("3703.70") and isinstance(r.amount, Decimal)
    assert r.table_version == REWARD_TABLES[-1].version


def test_unknown_grade_refused():
    with pytest.raises(ValueError):
        reward_amount(4, Decimal(1000))
