"""Whistle-blower rewards for major violations in market regulation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .versions import pick_version

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RewardGrade:
    rate: Decimal
    minimum: Decimal


@dataclass(frozen=True)
class RewardTable:
    version: str
    effective: date
    grades: dict[int, RewardGrade]
    cap_per_case: Decimal


# Interim Measures on Rewards for Reporting Major Violations in Market Regulation
# (SAMR & Ministry of Finance, 2021): grade 1/2/3 reward 5%/3%/1% of fines and confiscations,
# at least ¥5,000/3,000/1,000, at most ¥1,000,000 a case. [page] -> versioned.
REWARD_TABLES: tuple[RewardTable, ...] = (
    RewardTable(
        version="reward-2021-12-01",
        effective=date(2021, 12, 1),
        grades={
            1: RewardGrade(Decimal("0.05"), Decimal(5000)),
            2: RewardGrade(Decimal("0.03"), Decimal(3000)),
            3: RewardGrade(Decimal("0.01"), Decimal(1000)),
        },
        cap_per_case=Decimal(1000000),
    ),
)


@dataclass(frozen=True)
class Reward:
    grade: int
    base: Decimal  # fines + confiscated money
    rate: Decimal
    amount: Decimal
    minimum_applied: bool
    cap_applied: bool
    table_version: str


def reward_amount(
    grade: int,
    fine: Decimal,
    confiscation: Decimal = Decimal(0),
    as_of: date | None = None,
    version: str | None = None,
) -> Reward:
    t = pick_version(REWARD_TABLES, as_of, version)
    if grade not in t.grades:
        raise ValueError(f"reward grade must be one of {sorted(t.grades)}, got {grade}")
    g = t.grades[grade]
    base = Decimal(fine) + Decimal(confiscation)
    if base < 0:
        raise ValueError("fines and confiscations cannot be negative")
    raw = (base * g.rate).quantize(CENT, rounding=ROUND_HALF_UP)
    amount, minimum_applied, cap_applied = raw, False, False
    if amount < g.minimum:
        amount, minimum_applied = g.minimum, True
    if amount > t.cap_per_case:
        amount, cap_applied = t.cap_per_case, True
    return Reward(grade, base, g.rate, amount, minimum_applied, cap_applied, t.version)
