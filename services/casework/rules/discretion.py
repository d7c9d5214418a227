"""Discretion benchmark: which band a case falls in, and the exemption list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from .discretion_tables import (
    DISCRETION_TABLES,
    Band,
    DiscretionTable,
    MoneyRange,
    ViolationBenchmark,
)
from .versions import pick_version

Harm = Literal["none", "minor", "general", "serious"]


@dataclass(frozen=True)
class DiscretionFacts:
    minor: bool = (
        False  # the violation itself is minor in nature (e.g. on the exemption list)
    )
    first_offence: bool = False
    corrected_promptly: bool = False
    harm: Harm = "general"
    no_fault: bool = False  # the party shows it had no subjective fault
    # statutory mitigation, APL art. 32
    eliminated_harm: bool = False
    coerced: bool = False
    voluntarily_reported: bool = False
    meritorious: bool = False
    # aggravating, benchmark practice [cfg]
    repeat: bool = False
    obstructed: bool = False


@dataclass(frozen=True)
class Recommendation:
    violation_type: str
    band: Band
    min_amount: Decimal
    max_amount: Decimal
    reasons: list[str]
    mandatory_no_penalty: bool
    may_waive: bool
    table_version: str
    if_not_waived: Band | None = None  # band to use when a may-waive case is penalised
    sample_table: bool = field(default=False)
    department: str = ""
    legal_basis: str = ""
    statutory_min: Decimal = Decimal(0)
    statutory_max: Decimal = Decimal(0)
    violation_name: str = ""

    @property
    def education_required(self) -> bool:
        return education_required(self)


# Administrative Penalty Law (2021) art. 33(1) first sentence: a minor violation corrected
# promptly without harmful consequences is not penalised (mandatory).
def is_mandatory_no_penalty(f: DiscretionFacts) -> bool:
    return f.minor and f.corrected_promptly and f.harm == "none"


# Administrative Penalty Law (2021) art. 33(1) second sentence: a first violation with minor
# harmful consequences, corrected promptly, may go unpenalised.
def may_be_waived(f: DiscretionFacts) -> bool:
    return f.first_offence and f.corrected_promptly and f.harm in ("none", "minor")


# Administrative Penalty Law (2021) art. 33(2): no subjective fault shown -> no penalty
# (unless a law or administrative regulation provides otherwise).
def no_fault_no_penalty(f: DiscretionFacts) -> bool:
    return f.no_fault


# Administrative Penalty Law (2021) art. 33(3): a party not penalised is to be educated.
def education_required(rec: Recommendation) -> bool:
    return rec.band == Band.NO_PENALTY


def _factor_band(f: DiscretionFacts) -> tuple[Band, list[str]]:
    """Band from the factors once no exemption applies. [cfg] benchmark practice:
    statutory mitigation (APL art. 32) moves down; repeat, obstruction and serious harm move
    up; factors on both sides cancel to the general band."""
    statutory = [
        (f.eliminated_harm, "actively eliminated or reduced the harm (APL art. 32(1))"),
        (f.coerced, "coerced or induced by others (APL art. 32(2))"),
        (
            f.voluntarily_reported,
            "voluntarily reported an unknown violation (APL art. 32(3))",
        ),
        (f.meritorious, "cooperated and rendered meritorious service (APL art. 32(4))"),
    ]
    lenient = [
        (f.first_offence, "first offence"),
        (f.corrected_promptly, "corrected promptly"),
        (f.harm in ("none", "minor"), f"harm {f.harm}"),
    ]
    aggravating = [
        (f.repeat, "repeat violation"),
        (f.obstructed, "obstructed the investigation"),
        (f.harm == "serious", "serious harm"),
    ]
    s = [why for on, why in statutory if on]
    d = [why for on, why in lenient if on]
    a = [why for on, why in aggravating if on]
    if a and s:
        return Band.GENERAL, [*a, *s, "aggravating and mitigating factors offset"]
    if a:
        return Band.HEAVIER, a
    if len(s) >= 2:
        return Band.MITIGATED, s
    if s or len(d) >= 2:
        return Band.LIGHTER, [*s, *d]
    return Band.GENERAL, d or ["no factor moves the case from the general band"]


def tables_in_force(as_of: date | None = None, department: str | None = None) -> list[DiscretionTable]:
    """Each department's benchmark in force on `as_of` (today's latest when None); LookupError when
    no department has one yet."""
    departments = sorted({t.department for t in DISCRETION_TABLES if department in (None, t.department)})
    tables = []
    for d in departments:
        try:
            tables.append(pick_version([t for t in DISCRETION_TABLES if t.department == d], as_of))
        except LookupError:
            continue
    if not tables and departments:
        first = min(t.effective for t in DISCRETION_TABLES if t.department in departments)
        raise LookupError(f"no discretion benchmark in force on {as_of}; the first takes effect {first}")
    return tables


def benchmark_of(violation_type: str, as_of: date | None = None, table_version: str | None = None,
                 department: str | None = None) -> tuple[DiscretionTable, ViolationBenchmark]:
    """The table and entry for `violation_type`: from the version named, else the tables in force."""
    if table_version is not None:
        tables = [pick_version(DISCRETION_TABLES, version=table_version)]
    else:
        tables = tables_in_force(as_of, department)
    for table in tables:
        if violation_type in table.violations:
            return table, table.violations[violation_type]
    known = sorted(v for t in tables for v in t.violations)
    raise KeyError(f"no benchmark for {violation_type!r}"
                   + (f" of department {department}" if department else "") + f" in force; known: {known}")


def recommend_band(
    violation_type: str,
    facts: DiscretionFacts,
    table_version: str | None = None,
    as_of: date | None = None,
    department: str | None = None,
) -> Recommendation:
    table, bench = benchmark_of(violation_type, as_of, table_version, department)

    def rec(
        band: Band, reasons: list[str], mandatory=False, waive=False, alt=None
    ) -> Recommendation:
        r = bench.bands[band]
        return Recommendation(
            violation_type,
            band,
            r.min_amount,
            r.max_amount,
            reasons,
            mandatory,
            waive,
            table.version,
            alt,
            table.sample,
            table.department,
            bench.legal_basis,
            bench.statutory.min_amount,
            bench.statutory.max_amount,
            bench.name,
        )
    if no_fault_no_penalty(facts):
        return rec(
            Band.NO_PENALTY, ["no subjective fault (APL art. 33(2))"], mandatory=True
        )
    if is_mandatory_no_penalty(facts):
        return rec(
            Band.NO_PENALTY,
            ["minor violation, corrected promptly, no harm (APL art. 33(1))"],
            mandatory=True,
        )
    band, reasons = _factor_band(facts)
    if may_be_waived(facts):
        return rec(
            Band.NO_PENALTY,
            [
                "first violation, minor harm, corrected promptly: may be waived (APL art. 33(1))",
                *(f"if not waived: {r}" for r in reasons),
            ],
            waive=True,
            alt=band,
        )
    return rec(band, reasons)


class FineCheck(NamedTuple):
    refused: tuple[str, str] | None  # (rule, message): the fine is unlawful
    departs: bool  # lawful but outside the recommended band: a stated reason and a legal review


# Administrative Penalty Law (2021) arts. 4, 32, 34: a fine stays within the range the law sets
# (below its minimum only with a statutory mitigation, the mitigated band); the published
# benchmark binds, so a fine outside the recommended band is a departure to be reasoned and reviewed.
def check_fine(rec: Recommendation, applied: Band, fine: Decimal) -> FineCheck:
    _, bench = benchmark_of(rec.violation_type, table_version=rec.table_version)
    basis = f"{bench.legal_basis} (benchmark {rec.table_version})"
    law = bench.statutory
    if fine > law.max_amount:
        return FineCheck(("statutory_range", f"¥{fine} exceeds the statutory maximum ¥{law.max_amount}: {basis}"), False)
    if fine < law.min_amount and applied != Band.MITIGATED:
        why = f"¥{fine} is below the statutory minimum ¥{law.min_amount} and no statutory mitigation applies"
        return FineCheck(("statutory_range", f"{why} (APL art. 32): {basis}"), False)
    return FineCheck(None, fine not in bench.bands[applied])


def rec_range(rec: Recommendation, band: Band) -> MoneyRange:
    """The money range of `band` in the benchmark the recommendation used."""
    return benchmark_of(rec.violation_type, table_version=rec.table_version)[1].bands[band]
