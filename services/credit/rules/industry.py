"""Industry risk level of a subject, from its industry code (GB/T 4754-2017), for grading and risk.

Shanghai Implementation Recommendations (2020) para. 8: supervise by industry risk; food, drugs,
special equipment, hazardous chemicals and construction are key fields. The levels per industry
division are [cfg]: a versioned table, each with the date it took effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType


@dataclass(frozen=True)
class IndustryRiskTable:
    version: str
    effective: date
    divisions: MappingProxyType  # two-digit GB/T 4754 division -> "medium" | "high"; others "low"


def _levels(high: str, medium: str) -> MappingProxyType:
    table = {d: "medium" for d in medium.split()}
    table.update({d: "high" for d in high.split()})
    return MappingProxyType(table)


# [cfg] industry risk tables, oldest first.
INDUSTRY_RISK_TABLES = (
    IndustryRiskTable(
        "industry-2021.1", date(2021, 1, 1),
        _levels(
            # mining; food and drink manufacture; petroleum, chemicals, drugs; construction
            high="06 07 08 09 10 11 12 13 14 15 25 26 27 47 48 49 50",
            # wholesale and retail; road transport; accommodation and catering; health; sport and entertainment
            medium="51 52 54 61 62 83 84 89 90",
        ),
    ),
)


def industry_risk(industry_code: str, as_of: date) -> tuple[str, str]:
    """(risk level, table version) for an industry code such as "C1310" or "1310"."""
    table = [t for t in INDUSTRY_RISK_TABLES if t.effective <= as_of][-1]
    digits = industry_code.lstrip("ABCDEFGHIJKLMNOPQRST")[:2]
    return table.divisions.get(digits, "low"), table.version
