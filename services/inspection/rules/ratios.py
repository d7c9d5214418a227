"""Inspection ratios linked to credit grade: versioned tables and the sample-size rule.

Ratios are exact ``Decimal``s (published as strings such as "0.03") so that every verifier
computes the same sample size: binary floats would make ceil(0.03 * 100) equal 4.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

GRADES = ("A", "B", "C", "D")
UNGRADED = "ungraded"
RISK_LEVELS = ("low", "medium", "high")  # the credit service's risk model levels
_ONE = Decimal(1)

# Enterprise publicity-information checks cover at least 3% of enterprises [page]
# (SAMR random-check rules for enterprise annual reports/publicity information).
PUBLICITY_CHECK_MIN_RATIO = Decimal("0.03")


@dataclass(frozen=True)
class RatioTable:
    """One version of the configured ratios [cfg]; a draw records the version it used."""

    version: str
    effective_from: date
    grade_ratios: Mapping[str, Decimal]
    # Subjects without a credit grade form their own stratum; default: same as grade B
    # (an unknown subject is treated as an ordinary one, neither trusted nor suspect).
    ungraded_ratio: Decimal
    # Red-list (honest, trustworthy) subjects are drawn less: their grade's ratio times this.
    red_list_multiplier: Decimal = Decimal("0.5")
    overrides: Mapping[str, Decimal] = field(default_factory=dict)
    # The ratio times this for an object of that risk level; none: risk does not split the strata.
    risk_factors: Mapping[str, Decimal] = field(default_factory=dict)

    def risk_key(self, risk_level: str | None) -> str | None:
        """The risk level as a stratum key: None when unrated or when this table has no risk factors.
        A level outside RISK_LEVELS is refused rather than silently counted as unrated."""
        if not self.risk_factors or risk_level is None:
            return None
        if risk_level not in self.risk_factors:
            raise ValueError(f"unknown risk level {risk_level!r}")
        return risk_level

    def risk_factor(self, risk_level: str | None) -> Decimal:
        return self.risk_factors.get(risk_level, _ONE) if risk_level is not None else _ONE

    def ratio_for(self, grade: str | None) -> Decimal:
        key = grade if grade in GRADES else UNGRADED
        if key in self.overrides:
            return self.overrides[key]
        return self.ungraded_ratio if key == UNGRADED else self.grade_ratios[key]


# Shanghai "double random" ratios linked to credit grade, A 3% / B 5% / C 10% / D 30% [cfg].
RATIO_TABLES: tuple[RatioTable, ...] = (
    RatioTable(
        version="ratios-2020-01",
        effective_from=date(2020, 1, 1),
        grade_ratios=MappingProxyType(
            {"A": Decimal("0.03"), "B": Decimal("0.05"), "C": Decimal("0.10"), "D": Decimal("0.30")}
        ),
        ungraded_ratio=Decimal("0.05"),
        red_list_multiplier=Decimal("0.5"),
    ),
    # State Council opinions on in-process and post-event supervision §11: the random-inspection ratio is
    # linked to credit, classification and risk; the same grade ratios times a factor per risk level [cfg].
    RatioTable(
        version="ratios-2026-12",
        effective_from=date(2026, 12, 1),
        grade_ratios=MappingProxyType(
            {"A": Decimal("0.03"), "B": Decimal("0.05"), "C": Decimal("0.10"), "D": Decimal("0.30")}
        ),
        ungraded_ratio=Decimal("0.05"),
        red_list_multiplier=Decimal("0.5"),
        risk_factors=MappingProxyType({"low": Decimal(1), "medium": Decimal(2), "high": Decimal(3)}),
    ),
)


def ratio_table_in_force(on: date, tables: tuple[RatioTable, ...] = RATIO_TABLES) -> RatioTable:
    """The latest table whose effective date is on or before ``on``."""
    candidates = [t for t in tables if t.effective_from <= on]
    if not candidates:
        raise LookupError(f"no inspection ratio table in force on {on.isoformat()}")
    return max(candidates, key=lambda t: t.effective_from)


def find_ratio_table(version: str, tables: tuple[RatioTable, ...] = RATIO_TABLES) -> RatioTable | None:
    return next((t for t in tables if t.version == version), None)


def with_plan_overrides(table: RatioTable, overrides: Mapping[str, str | Decimal] | None) -> RatioTable:
    """A plan may set its own ratio for some grades (keys "A".."D" or "ungraded")."""
    if not overrides:
        return table
    clean: dict[str, Decimal] = {}
    for key, value in overrides.items():
        if key not in GRADES and key != UNGRADED:
            raise ValueError(f"unknown grade in ratio override: {key!r}")
        ratio = Decimal(str(value))
        if not Decimal(0) <= ratio <= Decimal(1):
            raise ValueError(f"ratio for {key} must be within 0..1, got {ratio}")
        clean[key] = ratio
    return RatioTable(
        table.version, table.effective_from, table.grade_ratios, table.ungraded_ratio,
        table.red_list_multiplier, MappingProxyType(clean), table.risk_factors,
    )


def stratum_ratio(
    table: RatioTable, grade: str | None, red_list: bool, risk_level: str | None = None, *,
    publicity_check: bool = False,
) -> Decimal:
    """Ratio for one (grade, red-list, risk) stratum: the grade's ratio, the red-list reduction, the
    risk factor (higher risk, drawn more), then the 3% floor, capped at 1."""
    ratio = table.ratio_for(grade)
    if red_list:
        ratio = ratio * table.red_list_multiplier
    ratio = ratio * table.risk_factor(risk_level)
    if publicity_check:  # publicity-information checks: never below 3% in any stratum [page]
        ratio = max(ratio, PUBLICITY_CHECK_MIN_RATIO)
    return min(ratio, Decimal(1))


def sample_size(ratio: Decimal, population: int, *, full_coverage: bool = False) -> int:
    """How many to draw from a stratum of ``population`` subjects.

    Key items are inspected in full (k = n). Otherwise k = ceil(ratio x n), capped at n:
    rounding up means a non-empty stratum is never skipped (at least one subject, so a
    grade can never escape inspection by being small) and the achieved share is never
    below the configured ratio, so the 3% publicity floor holds whenever all ratios do.
    A ratio of exactly 0 draws nobody.
    """
    if population <= 0:
        return 0
    if full_coverage:
        return population
    return min(population, math.ceil(ratio * population))
