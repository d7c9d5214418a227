"""Discretion benchmark tables: per department, versioned, each violation type with its legal basis,
statutory range and money range per band.

*** SAMPLE CONFIGURATION *** The tables below are plausible illustrations for development and demos,
one per demo department, each marked `sample`; the statutory ranges are read from the laws named but
must be checked before real use. Each authority publishes its own benchmark (APL art. 34) and loads
it as a new version with its effective date; a recommendation records the version it used.
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

    def __contains__(self, amount: Decimal) -> bool:
        return self.min_amount <= amount <= self.max_amount


@dataclass(frozen=True)
class ViolationBenchmark:
    code: str
    name: str
    legal_basis: str
    statutory: MoneyRange  # the fine the law allows; nothing outside it is lawful
    bands: dict[Band, MoneyRange]


@dataclass(frozen=True)
class DiscretionTable:
    department: str
    version: str
    effective: date
    sample: bool
    violations: dict[str, ViolationBenchmark]


def _r(lo: str, hi: str) -> MoneyRange:
    return MoneyRange(Decimal(lo), Decimal(hi))


def _bench(code: str, name: str, basis: str, statutory, mitigated, lighter, general, heavier) -> ViolationBenchmark:
    return ViolationBenchmark(code, name, basis, _r(*statutory), {
        Band.NO_PENALTY: _r("0", "0"), Band.MITIGATED: _r(*mitigated), Band.LIGHTER: _r(*lighter),
        Band.GENERAL: _r(*general), Band.HEAVIER: _r(*heavier)})


def _split(code: str, name: str, basis: str, lo: int, hi: int) -> ViolationBenchmark:
    """Sample banding of a statutory range [lo, hi]: lighter up to 30 %, general to 70 %, heavier
    above; mitigated below the minimum (none when the law sets no minimum)."""
    a, b = lo + (hi - lo) * 3 // 10, lo + (hi - lo) * 7 // 10
    return _bench(code, name, basis, (str(lo), str(hi)), ("0", str(lo)), (str(lo), str(a)), (str(a), str(b)),
                  (str(b), str(hi)))


def _table(department: str, version: str, effective: date, *benches: ViolationBenchmark) -> DiscretionTable:
    return DiscretionTable(department, version, effective, True, {b.code: b for b in benches})


SAMPLE_FROM = date(2021, 9, 1)  # the platform's first day of rules in force

# [cfg] versioned benchmark tables, one history per department.
DISCRETION_TABLES: tuple[DiscretionTable, ...] = (
    _table("scjgj", "scjgj-sample-2021.09", SAMPLE_FROM,
           _bench("food_labelling", "Prepackaged food label defects (sample: goods value under ¥10,000)",
                  "Food Safety Law art. 125(1)(2): ¥5,000-50,000", ("5000", "50000"),
                  ("0", "5000"), ("5000", "18500"), ("18500", "36500"), ("36500", "50000")),
           _bench("unlicensed_operation", "Operating without a business licence",
                  "Regulations on Investigation of Unlicensed Operation art. 13: up to ¥10,000; "
                  "serious ¥10,000-100,000", ("0", "100000"),
                  ("0", "1000"), ("1000", "3000"), ("3000", "10000"), ("10000", "100000")),
           _bench("false_advertising", "False advertising, fee not calculable",
                  "Advertising Law art. 55(1): ¥200,000-1,000,000 when the fee cannot be calculated",
                  ("200000", "1000000"),
                  ("0", "200000"), ("200000", "440000"), ("440000", "760000"), ("760000", "1000000")),
           _bench("price_marking", "Failure to mark prices as required",
                  "Price Law art. 42 / Provisions on Clearly Marked Prices: up to ¥5,000", ("0", "5000"),
                  ("0", "0"), ("0", "1500"), ("1500", "3500"), ("3500", "5000")),
           _bench("uncalibrated_measuring_instrument",
                  "Using a compulsorily verified measuring instrument without verification",
                  "Metrology Law Implementing Rules art. 43: up to ¥1,000", ("0", "1000"),
                  ("0", "0"), ("0", "300"), ("300", "700"), ("700", "1000"))),
    _table("yjj", "yjj-sample-2021.09", SAMPLE_FROM,
           _split("drug_gsp_noncompliance", "Drug distribution not following good supply practice, not corrected",
                  "Drug Administration Law (2019) art. 126: ¥100,000-500,000", 100_000, 500_000)),
    _table("sthjj", "sthjj-sample-2021.09", SAMPLE_FROM,
           _split("air_emission_over_standard", "Air pollutants emitted above the standard",
                  "Air Pollution Prevention and Control Law art. 99: ¥100,000-1,000,000", 100_000, 1_000_000)),
    _table("zjw", "zjw-sample-2021.09", SAMPLE_FROM,
           _split("construction_without_permit", "Construction started without a construction permit",
                  "Measures for Construction Permits of Building Projects art. 12: up to ¥30,000", 0, 30_000)),
    _table("jtw", "jtw-sample-2021.09", SAMPLE_FROM,
           _split("unlicensed_passenger_transport", "Road passenger transport without an operating licence",
                  "Road Transport Regulations art. 63: ¥10,000-100,000 (no or small illegal income)",
                  10_000, 100_000)),
    _table("yjglj", "yjglj-sample-2021.09", SAMPLE_FROM,
           _split("work_safety_training_missing", "Employees not given work safety training",
                  "Work Safety Law (2021) art. 97(3): up to ¥100,000", 0, 100_000)),
    _table("wjw", "wjw-sample-2021.09", SAMPLE_FROM,
           _split("public_place_without_hygiene_licence", "Public place operating without a hygiene licence",
                  "Implementing Rules of the Regulations on Public Place Hygiene art. 35: ¥500-5,000", 500, 5_000)),
    _table("whlyj", "whlyj-sample-2021.09", SAMPLE_FROM,
           _split("unlicensed_travel_agency", "Travel agency business without a licence",
                  "Tourism Law art. 95: ¥10,000-100,000 (no or small illegal income)", 10_000, 100_000)),
    _table("swj", "swj-sample-2021.09", SAMPLE_FROM,
           _split("prepaid_card_not_filed", "Single-purpose prepaid cards issued without filing, not corrected",
                  "Measures for Single-purpose Commercial Prepaid Cards art. 36: ¥10,000-30,000", 10_000, 30_000)),
)
