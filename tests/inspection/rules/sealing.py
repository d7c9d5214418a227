"""Test support: a draw sealed as the service seals it (commitment document, secrets, beacon)."""

from __future__ import annotations

from typing import Any

from services.inspection.rules.draw import Subject, population_root
from services.inspection.rules.ratios import RatioTable
from services.inspection.rules.seed import (
    commitment_document,
    derive_seed,
    secret_commitment,
)
from services.inspection.rules.verify import table_json

BEACON = {"source": "test beacon", "published_at": "2026-04-01T13:15:00Z"}
DRAWN_AT = "2026-04-01T13:20:00+00:00"


def sealed(plan_id: str, population: list[Subject], table: RatioTable, departments: tuple[str, ...] = ("market",),
           *, full_coverage: bool = False, publicity_check: bool = False,
           beacon_value: str = "4 7 1") -> tuple[bytes, dict[str, Any]]:
    """(seed, the keyword arguments of ``to_published_record`` that carry its inputs) for a plan."""
    secrets = {d: (d.encode() * 32)[:32] for d in departments}
    doc = commitment_document(
        plan_id=plan_id, departments=list(departments),
        secret_commitments={d: secret_commitment(s) for d, s in secrets.items()}, beacon=BEACON,
        population_root=population_root(s.uscc for s in population), population_count=len(population),
        ratio_table=table_json(table), full_coverage=full_coverage, publicity_check=publicity_check)
    seed = derive_seed(doc, secrets, beacon_value)
    return seed, {"commitment": doc, "secrets": secrets, "beacon_value": beacon_value, "drawn_at": DRAWN_AT}
