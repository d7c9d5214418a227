"""Test support: a draw sealed as the service seals it (commitment document, secrets, beacon, blinded members)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.inspection.rules.blinding import (
    blinded_population,
    blinded_root,
    draw_blinded,
    salt_key_commitment,
)
from services.inspection.rules.draw import (
    DrawResult,
    Subject,
    stratum_name,
    stratum_order,
)
from services.inspection.rules.ratios import RatioTable
from services.inspection.rules.seed import (
    commitment_digest,
    commitment_document,
    derive_seed,
    secret_commitment,
)
from services.inspection.rules.verify import table_json

BEACON = {"source": "test beacon", "published_at": "2026-04-01T13:15:00Z"}
DRAWN_AT = "2026-04-01T13:20:00+00:00"
SALT_KEY = bytes(range(64, 96))


@dataclass(frozen=True)
class Sealed:
    seed: bytes
    inputs: dict[str, Any]  # the keyword arguments of to_published_record that carry the inputs
    result: DrawResult  # the draw over tags
    population: dict[str, list[str]]  # the record's published tags per stratum
    drawn: list[Subject]


def sealed(plan_id: str, population: list[Subject], table: RatioTable, departments: tuple[str, ...] = ("market",),
           *, full_coverage: bool = False, publicity_check: bool = False, beacon_value: str = "4 7 1") -> Sealed:
    secrets = {d: (d.encode() * 32)[:32] for d in departments}
    groups, _ = blinded_population(SALT_KEY, population, table)
    root = blinded_root([(stratum_name(*k), [t.decode() for t in groups[k]]) for k in sorted(groups, key=stratum_order)])
    doc = commitment_document(
        plan_id=plan_id, departments=list(departments),
        secret_commitments={d: secret_commitment(s) for d, s in secrets.items()}, beacon=BEACON,
        population_root=root, population_count=len(population), ratio_table=table_json(table),
        full_coverage=full_coverage, publicity_check=publicity_check,
        salt_key_commitment=salt_key_commitment(SALT_KEY))
    seed = derive_seed(doc, secrets, beacon_value)
    result, public = draw_blinded(plan_id, seed, population, table, SALT_KEY, full_coverage=full_coverage,
                                  publicity_check=publicity_check, commitment=commitment_digest(doc))
    drawn_codes = {d["uscc"] for d in public["drawn"]}
    return Sealed(seed, {"commitment": doc, "secrets": secrets, "beacon_value": beacon_value, "drawn_at": DRAWN_AT},
                  result, public["population"], [s for s in population if s.uscc in drawn_codes])
