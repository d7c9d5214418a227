"""Grades stay internal: the published draw names no company's stratum, yet stays verifiable.

A credit-risk grade is an internal reference for allocating inspections, not published (SAMR
credit-risk classification, 2022: "not an evaluation, not published"); a stratum is a grade (with
red list and risk level), so which company is in which stratum must not be public either.

Protocol:

- At commit the service draws a secret ``salt_key`` and commits to it (``salt_key_commitment``, in the
  plan commitment). Each member gets ``salt = BLAKE2b-128(key=salt_key; uscc)`` and the public
  ``tag = BLAKE2b-128(salt || uscc)``, hex. Without its salt a tag says nothing of its company.
- The population root is the RFC 6962 Merkle root over ``stratum|tag`` leaves, strata in draw
  order, tags ascending within each. The record publishes each stratum's tags; the draw scores the
  tag (not the USCC) with the seed, and each stratum's k lowest tags are selected.
- The record also lists the drawn companies by USCC (they are inspected), without their strata.

Three views:

- anyone (``check_public``): strata sizes, ratios and k, the root over the published tags, the
  selection recomputed from the seed, as many drawn companies as selected tags;
- a company (``check_entry``), given its salt through its department: its tag, its stratum, its rank
  in it, and that it is listed as drawn exactly when its tag was selected;
- an auditor (``check_audit``), given ``salt_key`` and the internal member list: the key is the
  committed one, every member's tag sits in the stratum its grade, red-list flag and risk level
  give, nobody is missing or added, and the drawn list is exactly the selected tags' companies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.inspection.rules.draw import (
    DrawResult,
    StratumKey,
    Subject,
    draw_strata,
    selection_score,
    stratum_name,
    stratum_order,
)
from services.inspection.rules.ratios import GRADES, RatioTable
from shared.merkle import leaf_hashes, merkle_root_from_leaf_hashes

SALT_BYTES = 16


def salt_key_commitment(salt_key: bytes) -> str:
    return hashlib.sha256(salt_key).hexdigest()


def member_salt(salt_key: bytes, uscc: str) -> bytes:
    return hashlib.blake2b(uscc.encode("ascii"), key=salt_key, digest_size=SALT_BYTES).digest()


def member_tag(salt: bytes, uscc: str) -> str:
    """The member's public name in the record (32 hex characters)."""
    return hashlib.blake2b(salt + uscc.encode("ascii"), digest_size=16).hexdigest()


def tags_of(salt_key: bytes, codes: Iterable[bytes]) -> list[bytes]:
    """Tags (ASCII hex bytes) of USCCs given as ASCII bytes, in the same order: the draw's hot path."""
    keyed = hashlib.blake2b(key=salt_key, digest_size=SALT_BYTES)
    plain = hashlib.blake2b(digest_size=16)
    out = []
    for c in codes:
        k = keyed.copy()
        k.update(c)
        p = plain.copy()
        p.update(k.digest() + c)
        out.append(p.hexdigest().encode("ascii"))
    return out


def blinded_root(strata: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Merkle root over ``stratum|tag`` leaves, strata in the given (draw) order, tags ascending."""
    leaves = [f"{name}|{tag}".encode("ascii") for name, tags in strata for tag in sorted(tags)]
    return merkle_root_from_leaf_hashes(leaf_hashes(leaves)).hex()


@dataclass(frozen=True)
class Entry:
    """What a company learns of its own place in the draw."""

    tag: str
    stratum: str | None  # None: its tag is in no stratum (it was not in the population)
    rank: int | None  # 1 = lowest score of its stratum; the k lowest are drawn
    k: int | None
    drawn: bool
    problems: tuple[str, ...]


def check_entry(record: Mapping[str, Any], uscc: str, salt: bytes) -> Entry:
    """A company's check of its own entry, from the public record and its salt."""
    tag = member_tag(salt, uscc)
    population: Mapping[str, Sequence[str]] = record.get("population") or {}
    homes = [name for name, tags in population.items() if tag in tags]
    drawn_listed = uscc in {d.get("uscc") for d in record.get("drawn") or []}
    selected = {t for st in record.get("strata") or [] for t in st.get("selected") or []}
    problems = []
    if len(homes) != 1:
        problems.append("its tag is in no stratum" if not homes else f"its tag is in {len(homes)} strata")
    if (tag in selected) != drawn_listed:
        problems.append("listed as drawn but its tag was not selected" if drawn_listed
                        else "its tag was selected but the company is not listed as drawn")
    stratum = homes[0] if homes else None
    rank = k = None
    if stratum is not None:
        seed, plan_id = bytes.fromhex(record["seed"]), record["plan_id"]
        mine = selection_score(seed, plan_id, tag) + tag.encode()
        rank = 1 + sum(1 for t in population[stratum] if selection_score(seed, plan_id, t) + t.encode() < mine)
        k = next((st.get("k") for st in record.get("strata") or [] if st.get("name") == stratum), None)
    return Entry(tag, stratum, rank, k, tag in selected, tuple(problems))


def check_audit(record: Mapping[str, Any], salt_key: bytes, members: Iterable[Mapping[str, Any]],
                table: RatioTable) -> list[str]:
    """The auditor's check from the full record: ``members`` are the internal {uscc, grade, red_list,
    risk_level} of the frozen population; ``table`` the record's ratio table (for risk strata)."""
    problems = []
    committed = (record.get("commitment") or {}).get("salt_key_commitment")
    if salt_key_commitment(salt_key) != committed:
        problems.append("the salt key is not the committed one")
    expected: dict[str, set[str]] = {}
    by_tag: dict[str, str] = {}
    for m in members:
        tag = member_tag(member_salt(salt_key, m["uscc"]), m["uscc"])
        grade = m.get("grade") if m.get("grade") in GRADES else None
        name = stratum_name(grade, bool(m.get("red_list")), table.risk_key(m.get("risk_level")))
        expected.setdefault(name, set()).add(tag)
        by_tag[tag] = m["uscc"]
    published = {name: set(tags) for name, tags in (record.get("population") or {}).items()}
    for name in sorted(set(expected) | set(published)):
        if expected.get(name, set()) != published.get(name, set()):
            problems.append(f"stratum {name}: its published tags are not its members'")
    selected = [t for st in record.get("strata") or [] for t in st.get("selected") or []]
    if sorted(by_tag.get(t, "?") for t in selected) != sorted(d.get("uscc") for d in record.get("drawn") or []):
        problems.append("the drawn companies are not the companies of the selected tags")
    return problems


def blinded_population(salt_key: bytes, population: Sequence[Subject], table: RatioTable
                       ) -> tuple[dict[StratumKey, list[bytes]], dict[bytes, Subject]]:
    """Each stratum's member tags (ASCII bytes), and whose each tag is (kept internal)."""
    groups: dict[StratumKey, list[Subject]] = {}
    for s in population:
        key = (s.grade if s.grade in GRADES else None, bool(s.red_list), table.risk_key(s.risk_level))
        groups.setdefault(key, []).append(s)
    tags: dict[StratumKey, list[bytes]] = {}
    owner: dict[bytes, Subject] = {}
    for key, members in groups.items():
        tags[key] = tags_of(salt_key, [m.uscc.encode("ascii") for m in members])
        owner.update(zip(tags[key], members))
    return tags, owner


def draw_blinded(plan_id: str, seed: bytes, population: Sequence[Subject], table: RatioTable, salt_key: bytes, *,
                 full_coverage: bool = False, publicity_check: bool = False, commitment: str = ""
                 ) -> tuple[DrawResult, dict[str, Any]]:
    """The draw over tags: the result (selections are tags) and the public part of its record."""
    groups, owner = blinded_population(salt_key, population, table)
    order = sorted(groups, key=stratum_order)
    root = blinded_root([(stratum_name(*k), [t.decode() for t in groups[k]]) for k in order])
    result = draw_strata(plan_id, seed, groups, table, population_root=root, population_count=len(population),
                         full_coverage=full_coverage, publicity_check=publicity_check, commitment=commitment)
    drawn = sorted((owner[t.encode()] for t in result.selected), key=lambda s: s.uscc)
    public = {
        "population_root": root, "population_count": len(population),
        "population": {stratum_name(*k): sorted(t.decode() for t in groups[k]) for k in order},
        "strata": [{"name": st.name, "grade": st.grade, "red_list": st.red_list, "risk_level": st.risk_level,
                    "population": st.population, "ratio": str(st.ratio), "k": st.k, "selected": list(st.selected)}
                   for st in result.strata],
        "drawn": [{"uscc": s.uscc, "district": s.district, "group_id": s.group_id} for s in drawn],
    }
    return result, public


def check_public(record: Mapping[str, Any], table: RatioTable) -> list[str]:
    """What anyone checks without any salt: sizes, root, selection from the seed, the drawn count."""
    problems = []
    population: Mapping[str, Sequence[str]] = record.get("population") or {}
    strata = record.get("strata") or []
    keys = {st.get("name"): (st.get("grade"), bool(st.get("red_list")), st.get("risk_level")) for st in strata}
    if any(stratum_name(*key) != name for name, key in keys.items()) or set(keys) != set(population):
        return ["the strata named are not the strata whose tags are published"]
    for st in strata:
        if len(population[st["name"]]) != st.get("population"):
            problems.append(f"stratum {st['name']}: {len(population[st['name']])} tags published, "
                            f"{st.get('population')} stated")
    order = sorted(keys.values(), key=stratum_order)
    if blinded_root([(stratum_name(*k), population[stratum_name(*k)]) for k in order]) != record.get("population_root"):
        problems.append("population root mismatch: the published tags do not give the committed root")
    try:
        redo = draw_strata(record["plan_id"], bytes.fromhex(record["seed"]),
                           {keys[n]: [t.encode("ascii") for t in tags] for n, tags in population.items()}, table,
                           population_root=str(record.get("population_root")),
                           population_count=sum(len(t) for t in population.values()),
                           full_coverage=bool(record.get("full_coverage")),
                           publicity_check=bool(record.get("publicity_check")))
    except (KeyError, ValueError, UnicodeEncodeError) as exc:
        return [*problems, f"the selection cannot be recomputed: {exc}"]
    theirs = {st["name"]: st for st in strata}
    for st in redo.strata:
        t = theirs[st.name]
        if (str(st.ratio), st.k, list(st.selected)) != (str(t.get("ratio")), t.get("k"), list(t.get("selected") or [])):
            problems.append(f"stratum {st.name}: ratio, k or selection differs from the recomputation")
    drawn = [d.get("uscc") for d in record.get("drawn") or []]
    if len(drawn) != len(set(drawn)) or len(drawn) != sum(st.k for st in redo.strata):
        problems.append(f"{len(drawn)} companies listed as drawn for {sum(st.k for st in redo.strata)} selected tags")
    return problems
