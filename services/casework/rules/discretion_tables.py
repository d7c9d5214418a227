"""Discretion benchmark tables: money ranges per violation type and band.

*** SAMPLE CONFIGURATION *** The ranges below are plausible illustrations derived from the
statutory ranges of the laws named, for development and demos. Each authority publishes its
own benchmark (APL art. 34); load it as a new version with its effective date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Band(StrEnum):
    # Ordered from most lenient to most severe.
    NO_PENALTY = "no_penalty"
    MITIGATED = "mitigated"  # below the statutory minimum (减轻)
    LIGHTER = "lighter"  # lower part of the statutory range (从轻)
    GENERAL = "general"
    HEAVIER = "heavier"  # upper part of the statutory range (从重)


@dataclass(frozen=True)
class MoneyRange:
    min_amount: Decimal
    max_amount: Decimal


@dataclass(frozen=True)
class ViolationBenchmark:
    code: str
    name: str
    legal_basis: str
    bands: dict[Band, MoneyRange]


@dataclass(frozen=True)
class DiscretionTable:
    version: str
    effective: date
    sample: bool
    violations: dict[str, ViolationBenchmark]


def _r(lo: str, hi: str) -> MoneyRange:
    return MoneyRange(Decimal(lo), Decimal(hi))


def _bench(
    code: str, name: str, basis: str, mitigated, lighter, general, heavier
) -> ViolationBenchmark:
    return ViolationBenchmark(
        code,
        name,
        basis,
        {
            Band.NO_PENALTY: _r("0", "0"),
            Band.MITIGATED: _r(*mitigated),
            Band.LIGHTER: _r(*lighter),
            Band.GENERAL: _r(*general),
            Band.HEAVIER: _r(*heavier),
        },
    )


_SAMPLE_2024 = {
    b.code: b
    for b in (
        _bench(
            "food_labelling",
            "Prepackaged food label defects (sample: goods value under ¥10,000)",
            "Food Safety Law art. 125(1)(2): ¥5,000-50,000",
            ("0", "5000"),
            ("5000", "18500"),
            ("18500", "36500"),
            ("36500", "50000"),
        ),
        _bench(
            "unlicensed_operation",
            "Operating without a business licence",
            "Regulations on Investigation of Unlicensed Operation art. 13: up to ¥10,000; "
            "serious ¥10,000-100,000",
            ("0", "1000"),
            ("1000", "3000"),
            ("3000", "10000"),
            ("10000", "100000"),
        ),
        _bench(
            "false_advertising",
            "False advertising, fee not calculable",
            "Advertising Law art. 55(1): ¥200,000-1,000,000 when the fee cannot be calculated",
            ("0", "200000"),
            ("200000", "440000"),
            ("440000", "760000"),
            ("760000", "1000000"),
        ),
        _bench(
            "price_marking",
            "Failure to mark prices as required",
            "Price Law art. 42 / Provisions on Clearly Marked Prices: up to ¥5,000",
            ("0", "0"),
            ("0", "1500"),
            ("1500", "3500"),
            ("3500", "5000"),
        ),
        _bench(
            "uncalibrated_measuring_instrument",
            "Using a compulsorily verified measuring instrument without verification",
            "Metrology Law Implementing Rules art. 43: up to ¥1,000",
            ("0", "0"),
            ("0", "300"),
            ("300", "700"),
            ("700", "1000"),
        ),
    )
}

# [cfg] versioned benchmark tables; a recommendation records the version it used.
DISCRETION_TABLES: tuple[DiscretionTable, ...] = (
    DiscretionTable("sample-2024-01-01", date(2024, 1, 1), True, _SAMPLE_2024),
)
