"""The publicly verifiable random draw of inspection objects ("double random, one public").

Commit-reveal: before the draw the department publishes ``seed_commitment`` (SHA-256 of
the secret seed) and ``population_root`` (RFC 6962 Merkle root over the sorted eligible
USCCs). After the draw it publishes the seed; anyone can then recompute the selection.

Selection score of a subject = BLAKE2b-64 keyed with the seed over ``plan_id|uscc``. Each
subject's score depends only on its own code, so adding or removing other subjects never
changes it; within a stratum the k lowest scores are drawn (ties, practically impossible
with 64 bits, go to the smaller USCC).
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from services.inspection.rules.ratios import (
    GRADES,
    UNGRADED,
    RatioTable,
    sample_size,
    stratum_ratio,
)
from shared.merkle import inclusion_proof, leaf_hashes, merkle_root_from_leaf_hashes

DRAW_ALGORITHM = "blake2b64-keyed(seed; plan_id|uscc)/v1"
MIN_SEED_BYTES = 16  # 128 bits: the seed must not be guessable from the commitment
MAX_SEED_BYTES = 64  # BLAKE2b key limit


@dataclass(frozen=True, slots=True)
class Subject:
    """A market participant in the inspection-object database."""

    uscc: str
    grade: str | None = None  # credit grade A-D; None = not graded
    red_list: bool = False
    risk_level: str | None = None
    department_tags: frozenset[str] = frozenset()
    district: str | None = None
    group_id: str | None = None  # corporate group, for inspector recusal


@dataclass(frozen=True)
class Stratum:
    name: str
    grade: str | None
    red_list: bool
    population: int
    ratio: Decimal
    k: int
    selected: tuple[str, ...]  # in draw order (lowest score first)


@dataclass(frozen=True)
class DrawResult:
    plan_id: str
    rule_version: str  # ratio table version
    algorithm: str
    seed_commitment: str
    population_root: str
    population_count: int
    full_coverage: bool
    publicity_check: bool
    strata: tuple[Stratum, ...]
    table: RatioTable = field(repr=False)

    @property
    def selected(self) -> list[str]:
        return [u for s in self.strata for u in s.selected]


def seed_commitment(seed: bytes) -> str:
    """Published before the draw: SHA-256 of the seed, hex."""
    return hashlib.sha256(seed).hexdigest()


def _check_seed(seed: bytes) -> None:
    if not MIN_SEED_BYTES <= len(seed) <= MAX_SEED_BYTES:
        raise ValueError(f"seed must be {MIN_SEED_BYTES}..{MAX_SEED_BYTES} bytes, got {len(seed)}")


def _sorted_unique(usccs: Iterable[str]) -> list[str]:
    ordered = sorted(usccs)  # near O(n) when the caller already supplies them ordered
    for a, b in zip(ordered, ordered[1:]):
        if a == b:
            raise ValueError(f"duplicate USCC in population: {a}")
    return ordered


def population_root(usccs: Iterable[str]) -> str:
    """Merkle root (hex) over the sorted eligible USCCs; each leaf is the code's ASCII bytes."""
    ordered = _sorted_unique(usccs)
    return merkle_root_from_leaf_hashes(leaf_hashes([u.encode("ascii") for u in ordered])).hex()


def population_inclusion_proof(uscc: str, usccs: Iterable[str]) -> tuple[int, int, list[str]]:
    """(index, tree size, audit path hex) proving ``uscc`` was in the pool."""
    ordered = _sorted_unique(usccs)
    index = ordered.index(uscc)
    hashes = leaf_hashes([u.encode("ascii") for u in ordered])
    return index, len(ordered), [h.hex() for h in inclusion_proof(index, hashes)]


def selection_score(seed: bytes, plan_id: str, uscc: str) -> bytes:
    """The 8-byte score that orders a subject within its stratum."""
    return hashlib.blake2b(f"{plan_id}|{uscc}".encode(), key=seed, digest_size=8).digest()


def stratum_name(grade: str | None, red_list: bool) -> str:
    base = grade if grade in GRADES else UNGRADED
    return f"{base}/red-list" if red_list else base


def _stratum_order(key: tuple[str | None, bool]) -> tuple[int, bool]:
    grade, red = key
    return (GRADES.index(grade) if grade in GRADES else len(GRADES), red)


def _lowest_scores(seed: bytes, plan_id: str, codes: list[bytes], k: int) -> list[str]:
    if k == 0:
        return []
    base = hashlib.blake2b(plan_id.encode() + b"|", key=seed, digest_size=8)
    keyed = []
    append = keyed.append
    copy = base.copy
    for c in codes:  # score || uscc: one bytes compare sorts by score, then by code
        h = copy()
        h.update(c)
        append(h.digest() + c)
    chosen = heapq.nsmallest(k, keyed) if k * 8 < len(keyed) else sorted(keyed)[:k]
    return [x[8:].decode("ascii") for x in chosen]


def draw_inspection_objects(
    plan_id: str,
    seed: bytes,
    population: Sequence[Subject],
    ratios: RatioTable,
    *,
    full_coverage: bool = False,
    publicity_check: bool = False,
    known_root: str | None = None,
) -> DrawResult:
    """Draw inspection objects per (grade, red-list) stratum.

    ``population`` is the plan's eligible pool (scope filtering happens before).
    ``full_coverage`` is for key items: everyone is inspected. ``publicity_check`` applies
    the 3% floor of enterprise publicity-information checks to every stratum.
    ``known_root`` is the population root already computed (and published) at commit time
    over this very pool; the population must then come in strictly ascending USCC order,
    which is checked in one pass instead of re-sorting and re-hashing millions of codes.
    Verifiers never pass it: they recompute the root.
    """
    _check_seed(seed)
    groups: dict[tuple[str | None, bool], list[bytes]] = {}
    for s in population:
        g = s.grade if s.grade in GRADES else None
        key = (g, bool(s.red_list))
        bucket = groups.get(key)
        if bucket is None:
            bucket = groups[key] = []
        bucket.append(s.uscc.encode("ascii"))
    if known_root is not None:
        count = len(population)
        for a, b in pairwise(population):
            if a.uscc >= b.uscc:
                raise ValueError(f"population with a known root must be strictly ascending: {a.uscc}, {b.uscc}")
        root = known_root
    else:
        leaves = sorted(c for bucket in groups.values() for c in bucket)
        for a, b in zip(leaves, leaves[1:]):
            if a == b:
                raise ValueError(f"duplicate USCC in population: {a.decode()}")
        count = len(leaves)
        root = merkle_root_from_leaf_hashes(leaf_hashes(leaves)).hex()
    strata = []
    for key in sorted(groups, key=_stratum_order):
        grade, red = key
        codes = groups[key]
        ratio = stratum_ratio(ratios, grade, red, publicity_check=publicity_check)
        k = sample_size(ratio, len(codes), full_coverage=full_coverage)
        selected = _lowest_scores(seed, plan_id, codes, k)
        strata.append(Stratum(stratum_name(grade, red), grade, red, len(codes), ratio, k, tuple(selected)))
    return DrawResult(
        plan_id=plan_id,
        rule_version=ratios.version,
        algorithm=DRAW_ALGORITHM,
        seed_commitment=seed_commitment(seed),
        population_root=root,
        population_count=count,
        full_coverage=full_coverage,
        publicity_check=publicity_check,
        strata=tuple(strata),
        table=ratios,
    )

