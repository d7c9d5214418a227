"""The published draw record and its independent verification.

Anyone holding the published record alone (JSON) can recompute the commitment from its
document, the seed from the revealed secrets and beacon value, the population root over the
strata's member tags, every stratum's size and selection, and the inspector assignment; which
company holds which tag stays internal (``rules.blinding``). That the commitment itself was in
the signed log before the beacon was published is checked against the log (``supervision
verify-draw``). Each mismatch starts with the link of the chain it breaks (``LINKS``).

Inspectors' declared interests are personal and never published. Instead the record gives,
for each drawn object, the set of inspectors that were *excluded* from it, without saying
why: the object's previous inspectors (rotation) together with those who declared an
interest in the object or its group (recusal). Rotation and recusal act the same way in
the assignment (an excluded inspector is never picked), so the assignment recomputes
exactly from the excluded sets. Each inspector also carries ``interests_commitment``,
SHA-256 over a secret per-draw salt, the inspector id and the sorted declarations: an
auditor given the salt and the declarations can check the excluded sets were complete,
while the public cannot test guesses against it. ``recusal.checked`` states that recusal
was applied. Shortage reasons are explanations and are not recomputed; which objects lack
inspectors is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from services.inspection.rules.assignment import (
    Assignment,
    Inspector,
    assign_inspectors,
)
from services.inspection.rules.blinding import check_public
from services.inspection.rules.draw import (
    DRAW_ALGORITHM,
    DrawResult,
    Subject,
)
from services.inspection.rules.ratios import GRADES, RatioTable, find_ratio_table
from services.inspection.rules.seed import beacon_time, commitment_digest, derive_seed

RECORD_FORMAT = "inspection-draw/3"
# The links of the chain a record alone proves, in the order they are checked.
INPUTS, POPULATION, SELECTION, ASSIGNMENT = "revealed inputs", "population", "selection", "assignment"
LINKS = (INPUTS, POPULATION, SELECTION, ASSIGNMENT)
_by_code = itemgetter(0)  # entries keyed by USCC: one string comparison, not a tuple comparison
RECUSAL_METHOD = ("declared interests withheld; excluded = previous inspectors + recused inspectors; "
                  "interests_commitment = sha256(salt || inspector id || 0x0a || sorted interests joined by 0x0a)")


@dataclass(frozen=True)
class Verification:
    ok: bool
    mismatches: list[str]  # each "<link>: <what does not hold>"


def table_json(t: RatioTable) -> dict[str, Any]:
    return {
        "version": t.version,
        "effective_from": t.effective_from.isoformat(),
        "grade_ratios": {g: str(r) for g, r in t.grade_ratios.items()},
        "ungraded_ratio": str(t.ungraded_ratio),
        "red_list_multiplier": str(t.red_list_multiplier),
        "overrides": {g: str(r) for g, r in t.overrides.items()},
        "risk_factors": {lvl: str(f) for lvl, f in t.risk_factors.items()},
    }


def table_from_json(d: Mapping[str, Any]) -> RatioTable:
    return RatioTable(
        version=d["version"],
        effective_from=date.fromisoformat(d["effective_from"]),
        grade_ratios=MappingProxyType({g: Decimal(r) for g, r in d["grade_ratios"].items()}),
        ungraded_ratio=Decimal(d["ungraded_ratio"]),
        red_list_multiplier=Decimal(d["red_list_multiplier"]),
        overrides=MappingProxyType({g: Decimal(r) for g, r in d.get("overrides", {}).items()}),
        risk_factors=MappingProxyType({lvl: Decimal(f) for lvl, f in d.get("risk_factors", {}).items()}),
    )


def to_published_record(
    result: DrawResult,
    seed: bytes,
    drawn: Sequence[Subject],
    *,
    assignment: Assignment | None = None,
    inspectors: Sequence[Inspector] = (),
    departments: Sequence[str] = (),
    required_qualifications: Iterable[str] = (),
    last_inspectors: Mapping[str, Iterable[str]] | None = None,
    initial_load: Mapping[str, int] | None = None,
    interest_salt: bytes = b"",
    commitment: Mapping[str, Any] | None = None,
    secrets: Mapping[str, bytes] | None = None,
    beacon_value: str = "",
    drawn_at: str = "",
    inspector_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """JSON-able record published after the draw: the commitment document, the revealed secrets
    and beacon value, the seed derived from them (``rules.seed``), the strata with their selected
    tags (``rules.blinding``: ``result`` is the draw over tags) and the drawn companies, by USCC,
    without their strata. The caller adds ``population``, each stratum's tags, when publishing.
    ``inspector_names``: the name each inspector shows on the inspection (law-enforcement
    certificate), published so the inspected company and the public know who comes.
    """
    names = inspector_names or {}
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "plan_id": result.plan_id,
        "algorithm": result.algorithm,
        "rule_version": result.rule_version,
        "ratio_table": table_json(result.table),
        "full_coverage": result.full_coverage,
        "publicity_check": result.publicity_check,
        "commitment": dict(commitment or {}),
        "reveal": {"secrets": {d: v.hex() for d, v in (secrets or {}).items()}, "beacon_value": beacon_value},
        "drawn_at": drawn_at,
        "seed": seed.hex(),
        "seed_commitment": result.seed_commitment,
        "population_root": result.population_root,
        "population_count": result.population_count,
        "strata": [
            {"name": st.name, "grade": st.grade, "red_list": st.red_list, "risk_level": st.risk_level,
             "population": st.population, "ratio": str(st.ratio), "k": st.k,
             "selected": list(st.selected)}
            for st in result.strata
        ],
        "drawn": [{"uscc": s.uscc, "district": s.district, "group_id": s.group_id}
                  for s in sorted(drawn, key=lambda s: s.uscc)],
    }
    if assignment is not None:
        record["assignment"] = {
            "algorithm": assignment.algorithm,
            "departments": list(departments),
            "required_qualifications": sorted(required_qualifications),
            "inspectors": [
                {"id": i.id, "name": names.get(i.id), "department": i.department,
                 "qualifications": sorted(i.qualifications),
                 "districts": sorted(i.districts), "active": i.active,
                 "interests_commitment": interests_commitment(interest_salt, i)}
                for i in sorted(inspectors, key=lambda i: i.id)
            ],
            "recusal": {"checked": True, "method": RECUSAL_METHOD},
            "excluded": excluded_inspectors(drawn, inspectors, last_inspectors),
            "initial_load": dict(sorted((initial_load or {}).items())),
            "assigned": {u: list(ids) for u, ids in sorted(assignment.assigned.items(), key=_by_code)},
            "unassigned": dict(sorted(assignment.unassigned.items(), key=_by_code)),
        }
    return record


def interests_commitment(salt: bytes, inspector: Inspector) -> str:
    """Hides an inspector's declarations while binding the department to them (salt kept secret)."""
    body = "\n".join([inspector.id, *sorted(inspector.interests)]).encode()
    return hashlib.sha256(salt + body).hexdigest()


def excluded_inspectors(
    objects: Sequence[Subject], inspectors: Sequence[Inspector],
    last_inspectors: Mapping[str, Iterable[str]] | None,
) -> dict[str, list[str]]:
    """Per object: previous inspectors and recused inspectors, merged so neither reason shows."""
    by_interest: dict[str, set[str]] = {}
    for ins in inspectors:
        for interest in ins.interests:
            by_interest.setdefault(interest, set()).add(ins.id)
    last = last_inspectors or {}
    out: dict[str, list[str]] = {}
    named = last.keys() | by_interest.keys()  # most objects are in neither: nobody excluded
    concerned = [o for o in objects if o.uscc in named or (o.group_id is not None and o.group_id in by_interest)]
    for obj in sorted(concerned, key=lambda s: s.uscc):
        ids = set(last.get(obj.uscc, ())) | by_interest.get(obj.uscc, set())
        if obj.group_id is not None:
            ids |= by_interest.get(obj.group_id, set())
        if ids:
            out[obj.uscc] = sorted(ids)
    return out


def verify_draw(published: Mapping[str, Any]) -> Verification:
    """Recompute everything the public can from the published record; list each disagreement, by link.

    Which company holds which tag is not public (``rules.blinding``): a company checks its own entry
    with its salt (``check_entry``), an auditor the whole population (``check_audit``)."""
    problems: list[str] = []
    if published.get("format") != RECORD_FORMAT:
        return Verification(False, [f"{INPUTS}: unknown record format {published.get('format')!r}"])
    if published.get("algorithm") != DRAW_ALGORITHM:
        return Verification(False, [f"{SELECTION}: unknown draw algorithm {published.get('algorithm')!r}"])
    try:
        seed = bytes.fromhex(published["seed"])
        table = table_from_json(published["ratio_table"])
        drawn = [Subject(uscc=d["uscc"], district=d.get("district"), group_id=d.get("group_id"))
                 for d in published["drawn"]]
        if not isinstance(published["population"], Mapping):
            raise TypeError("population is not a mapping of strata to tags")
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        return Verification(False, [f"{INPUTS}: malformed record: {exc!r}"])

    problems += _check_inputs(published, seed)
    known = find_ratio_table(table.version)
    if known is not None and (
        dict(known.grade_ratios) != dict(table.grade_ratios)
        or known.ungraded_ratio != table.ungraded_ratio
        or known.red_list_multiplier != table.red_list_multiplier
        or known.effective_from != table.effective_from
        or dict(known.risk_factors) != dict(table.risk_factors)
    ):
        problems.append(f"{SELECTION}: ratio table mismatch: figures differ from version {table.version}")
    if set(table.grade_ratios) != set(GRADES):
        problems.append(f"{SELECTION}: ratio table mismatch: grades A-D are not all present")
    counted = sum(len(t) for t in published["population"].values())
    if counted != published.get("population_count"):
        problems.append(f"{POPULATION}: population count mismatch ({counted} tags, "
                        f"{published.get('population_count')} stated)")
    for p in check_public(published, table):
        problems.append(f"{POPULATION if 'root' in p or 'tags published' in p else SELECTION}: {p}")
    if "assignment" in published:
        problems += [f"{ASSIGNMENT}: {p}" for p in _compare_assignment(published, seed, drawn, [s.uscc for s in drawn])]
    return Verification(not problems, problems)


def _check_inputs(published: Mapping[str, Any], seed: bytes) -> list[str]:
    """The commitment document hashes to the published commitment, binds this record's plan, root,
    count and ratios, and the seed follows from the revealed secrets and the beacon value."""
    doc = published.get("commitment")
    if not isinstance(doc, Mapping) or not doc:
        return [f"{INPUTS}: commitment mismatch: the record carries no commitment document"]
    problems = []
    if commitment_digest(doc) != published.get("seed_commitment"):
        problems.append(f"{INPUTS}: commitment mismatch: the commitment document does not hash to seed_commitment")
    bound = {"plan_id": published.get("plan_id"), "population_root": published.get("population_root"),
             "population_count": published.get("population_count"), "ratio_table": published.get("ratio_table"),
             "full_coverage": bool(published.get("full_coverage")),
             "publicity_check": bool(published.get("publicity_check"))}
    problems += [f"{INPUTS}: commitment mismatch: {k} differs from the committed one"
                 for k, v in bound.items() if doc.get(k) != v]
    reveal = published.get("reveal") or {}
    try:
        secrets = {d: bytes.fromhex(v) for d, v in (reveal.get("secrets") or {}).items()}
        derived = derive_seed(doc, secrets, str(reveal.get("beacon_value") or ""))
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        return [*problems, f"{INPUTS}: commitment mismatch: {exc}"]
    if derived != seed:
        problems.append(f"{INPUTS}: commitment mismatch: the seed is not the one the revealed secrets and beacon give")
    try:
        if datetime.fromisoformat(str(published.get("drawn_at"))) < beacon_time(doc["beacon"]):
            problems.append(f"{INPUTS}: drawn before the beacon named in the commitment was published")
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        problems.append(f"{INPUTS}: no usable draw time or beacon time ({exc})")
    return problems


def _compare_assignment(
    published: Mapping[str, Any], seed: bytes, population: list[Subject], selected: list[str]
) -> list[str]:
    a = published["assignment"]
    problems = []
    if not (a.get("recusal") or {}).get("checked"):
        problems.append("recusal not stated as checked")
    if any("interests" in i for i in a.get("inspectors", ())):
        problems.append("declared interests published in plain text")
    try:
        inspectors = [
            Inspector(id=i["id"], department=i["department"],
                      qualifications=frozenset(i.get("qualifications", ())),
                      districts=frozenset(i.get("districts", ())), active=bool(i.get("active", True)))
            for i in a["inspectors"]
        ]
        excluded = {u: frozenset(ids) for u, ids in (a.get("excluded") or {}).items()}
        by_code = {s.uscc: s for s in population}
        # Recusal and rotation both arrive as exclusions (see the module docstring).
        redo = assign_inspectors(
            published["plan_id"], seed, [by_code[u] for u in selected], inspectors, a["departments"],
            last_inspectors=excluded,
            required_qualifications=a.get("required_qualifications", ()),
            initial_load=a.get("initial_load") or {},
        )
    except (KeyError, ValueError, TypeError) as exc:
        return problems + [f"assignment mismatch: cannot be recomputed ({exc})"]
    theirs = {u: tuple(ids) for u, ids in a.get("assigned", {}).items()}
    for uscc in sorted(set(redo.assigned) | set(theirs)):
        if redo.assigned.get(uscc) != theirs.get(uscc):
            problems.append(f"assignment mismatch for {uscc}")
    if set(redo.unassigned) != set(a.get("unassigned", {})):
        problems.append("assignment mismatch: objects lacking inspectors differ")
    return problems
