"""The publicly verifiable random draw of inspection objects ("double random, one public").

Commit-reveal: before the draw the plan's commitment (``rules/seed.py``: every department's
secret commitment, the beacon named, and ``population_root``, the RFC 6962 Merkle root over the
sorted eligible USCCs) is published and logged. The seed is derived from the revealed secrets and
the beacon value; anyone can then recompute the selection.

Selection score of a subject = BLAKE2b-64 keyed with the seed over ``plan_id|uscc``. Each
subject's score depends only on its own code, so adding or removing other subjects never
changes it; within a stratum the k lowest scores are drawn (ties, practically impossible
with 64 bits, go to the smaller USCC).
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from services.inspection.rules.ratios import (
    GRADES,
    RISK_LEVELS,
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
    risk_level: str | None  # None: unrated, or the ratio table has no risk factors
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


def stratum_name(grade: str | None, red_list: bool, risk_level: str | None = None) -> str:
    base = grade if grade in GRADES else UNGRADED
    base = f"{base}/red-list" if red_list else base
    return f"{base}/risk-{risk_level}" if risk_level else base


StratumKey = tuple[str | None, bool, str | None]  # (grade or None, red list, risk level or None)


def stratum_order(key: StratumKey) -> tuple[int, bool, int]:
    grade, red, risk = key
    return (GRADES.index(grade) if grade in GRADES else len(GRADES), red,
            RISK_LEVELS.index(risk) + 1 if risk in RISK_LEVELS else 0)


# A score bound leaving fewer than k members below it is astronomically unlikely this far above
# the expectation; if it happens anyway the stratum is ranked again without a bound (same result).
_BOUND_MARGIN_SD = 8
_SCORE_SPACE = 1 << 64


def score_bound(population: int, k: int) -> bytes | None:
    """An 8-byte score that, with overwhelming probability, at least ``k`` of ``population``
    uniformly random scores fall below (None: keep every member). Only members below the
    bound need to be kept and sorted to find the k lowest."""
    expected = k + _BOUND_MARGIN_SD * math.isqrt(k) + 32
    if expected >= population:
        return None
    return (expected * _SCORE_SPACE // population).to_bytes(8, "big")


def scores_below(seed: bytes, plan_id: str, codes: Iterable[bytes], bound: bytes | None,
                 positions: list[int] | None = None) -> list[bytes]:
    """``score || uscc`` of every member scoring below ``bound`` (all members when None).

    ``positions``, if given, receives the index in ``codes`` of each member kept."""
    base = hashlib.blake2b(plan_id.encode() + b"|", key=seed, digest_size=8)
    copy = base.copy
    kept: list[bytes] = []
    keep = kept.append
    if positions is not None:
        at = positions.append
        for i, c in enumerate(codes):
            h = copy()
            h.update(c)
            d = h.digest()
            if bound is None or d < bound:
                keep(d + c)
                at(i)
        return kept
    if bound is None:
        for c in codes:
            h = copy()
            h.update(c)
            keep(h.digest() + c)
        return kept
    for c in codes:  # the tightest loop of the draw: no concatenation for members left out
        h = copy()
        h.update(c)
        d = h.digest()
        if d < bound:
            keep(d + c)
    return kept


def lowest_of(candidates: list[bytes], k: int) -> list[str] | None:
    """The ``k`` lowest ``score || uscc`` entries as USCCs, or None when fewer than k were kept.

    One bytes comparison orders by score, then by code (the tie rule)."""
    if len(candidates) < k:
        return None
    chosen = heapq.nsmallest(k, candidates) if k * 8 < len(candidates) else sorted(candidates)[:k]
    return [x[8:].decode("ascii") for x in chosen]


def lowest_scores(seed: bytes, plan_id: str, codes: Sequence[bytes], k: int) -> list[str]:
    if k == 0:
        return []
    found = lowest_of(scores_below(seed, plan_id, codes, score_bound(len(codes), k)), k)
    if found is None:  # fewer than k below the bound: keep everyone (k <= n, so this finds k)
        found = lowest_of(scores_below(seed, plan_id, codes, None), k) or []
    return found


# (codes of a stratum as ASCII bytes, k) for each stratum -> the k lowest-scoring USCCs of each.
Ranker = Callable[[bytes, str, Sequence[tuple[Sequence[bytes], int]]], list[list[str]]]


def rank_strata(seed: bytes, plan_id: str, strata: Sequence[tuple[Sequence[bytes], int]]) -> list[list[str]]:
    """Each stratum's k lowest scores, computed here (a service may rank in parallel instead)."""
    return [lowest_scores(seed, plan_id, codes, k) for codes, k in strata]


def draw_inspection_objects(
    plan_id: str,
    seed: bytes,
    population: Sequence[Subject],
    ratios: RatioTable,
    *,
    full_coverage: bool = False,
    publicity_check: bool = False,
    known_root: str | None = None,
    commitment: str = "",
) -> DrawResult:
    """Draw inspection objects per (grade, red-list, risk) stratum (risk only where the table has factors).

    ``population`` is the plan's eligible pool (scope filtering happens before).
    ``full_coverage`` is for key items: everyone is inspected. ``publicity_check`` applies
    the 3% floor of enterprise publicity-information checks to every stratum.
    ``known_root`` is the population root already computed (and published) at commit time
    over this very pool; the population must then come in strictly ascending USCC order,
    which is checked in one pass instead of re-sorting and re-hashing millions of codes.
    Verifiers never pass it: they recompute the root.
    """
    _check_seed(seed)
    groups: dict[StratumKey, list[bytes]] = {}
    risk_key = ratios.risk_key
    for s in population:
        g = s.grade if s.grade in GRADES else None
        key = (g, bool(s.red_list), risk_key(s.risk_level))
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
    return draw_strata(plan_id, seed, groups, ratios, population_root=root, population_count=count,
                       full_coverage=full_coverage, publicity_check=publicity_check, commitment=commitment)


def draw_strata(
    plan_id: str,
    seed: bytes,
    groups: Mapping[StratumKey, Sequence[bytes]],
    ratios: RatioTable,
    *,
    population_root: str,
    population_count: int,
    full_coverage: bool = False,
    publicity_check: bool = False,
    rank: Ranker = rank_strata,
    commitment: str = "",
) -> DrawResult:
    """The draw over a pool already grouped by (grade, red list, risk), None for ungraded and unrated,
    each group's USCCs as ASCII bytes; the root and count are those published at commit time.

    ``draw_inspection_objects`` groups a list of subjects and comes here; a service holding its
    frozen pool in strata comes here directly. ``rank`` may spread the scoring over processes:
    the selection is the same whoever computes the scores. ``commitment`` is the plan commitment
    the seed was derived under (``rules.seed.commitment_digest``), carried into the result.
    """
    _check_seed(seed)
    keys = [key for key in sorted(groups, key=stratum_order) if groups[key]]
    sizes = []
    for key in keys:
        ratio = stratum_ratio(ratios, *key, publicity_check=publicity_check)
        sizes.append((ratio, sample_size(ratio, len(groups[key]), full_coverage=full_coverage)))
    selections = rank(seed, plan_id, [(groups[key], k) for key, (_, k) in zip(keys, sizes)])
    strata = tuple(
        Stratum(stratum_name(*key), key[0], key[1], key[2], len(groups[key]), ratio, k, tuple(selected))
        for key, (ratio, k), selected in zip(keys, sizes, selections)
    )
    return DrawResult(
        plan_id=plan_id,
        rule_version=ratios.version,
        algorithm=DRAW_ALGORITHM,
        seed_commitment=commitment,
        population_root=population_root,
        population_count=population_count,
        full_coverage=full_coverage,
        publicity_check=publicity_check,
        strata=strata,
        table=ratios,
    )

