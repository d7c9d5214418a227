"""Random assignment of inspectors to drawn objects, part of the verifiable draw.

For each object (in USCC order) and each responsible department of the plan, candidate
inspectors are drawn from that department's pool by a keyed hash of (seed, plan, uscc,
department, round); of the first two eligible draws the less loaded one is taken ("power of
two choices": random pairs, yet loads stay within a few visits of each other). If the hashed
draws find nobody, the whole pool is scanned, so a shortage is only reported when real.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from services.inspection.rules.draw import Subject

# Each inspection object gets at least two inspectors.
# Administrative Penalty Law (2021) art. 42: enforcement by no fewer than two officers.
MIN_INSPECTORS_PER_OBJECT = 2
ASSIGNMENT_ALGORITHM = "blake2b-keyed power-of-two-choices/v1"
_DRAWS_PER_ROUND = 8  # 8 x 32-bit candidate indexes from one 32-byte digest
_ANY_DISTRICT = "*"
_CANDIDATES = struct.Struct("<8I")


@dataclass(frozen=True, slots=True)
class Inspector:
    id: str
    department: str
    qualifications: frozenset[str] = frozenset()
    districts: frozenset[str] = frozenset()  # "*" = whole city
    active: bool = True
    interests: frozenset[str] = frozenset()  # declared interests: USCCs or group ids


@dataclass(frozen=True)
class Assignment:
    algorithm: str
    assigned: dict[str, tuple[str, ...]]  # uscc -> inspector ids (draw order)
    unassigned: dict[str, str]  # uscc -> reason
    # uscc -> departments that could not provide an inspector (joint plans, "where possible")
    missing_departments: dict[str, tuple[str, ...]] = field(default_factory=dict)
    load: dict[str, int] = field(default_factory=dict)


def has_conflict_of_interest(inspector: Inspector, subject: Subject) -> bool:
    """Recusal: an inspector with a declared interest in the subject or its group stays out."""
    # Administrative Penalty Law art. 43: officers with a direct interest shall withdraw.
    return subject.uscc in inspector.interests or (
        subject.group_id is not None and subject.group_id in inspector.interests
    )


def inspected_last_time(inspector: Inspector, subject: Subject, last: Mapping[str, Iterable[str]]) -> bool:
    """Rotation: not the same inspector as at the object's previous inspection."""
    return inspector.id in last.get(subject.uscc, ())


def _is_qualified(inspector: Inspector, required: frozenset[str]) -> bool:
    return inspector.active and required <= inspector.qualifications


def _covers(inspector: Inspector, district: str | None) -> bool:
    return district is None or _ANY_DISTRICT in inspector.districts or district in inspector.districts


class _Pools:
    """Qualified active inspectors per (department, district), built once."""

    def __init__(self, inspectors: Sequence[Inspector], required: frozenset[str]):
        self.by_dept: dict[str, list[Inspector]] = {}
        for ins in sorted(inspectors, key=lambda i: i.id):
            if _is_qualified(ins, required):
                self.by_dept.setdefault(ins.department, []).append(ins)
        self._cache: dict[tuple[str, str | None], list[Inspector]] = {}

    def pool(self, dept: str, district: str | None) -> list[Inspector]:
        key = (dept, district)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = [i for i in self.by_dept.get(dept, ()) if _covers(i, district)]
        return found


def assign_inspectors(
    plan_id: str,
    seed: bytes,
    objects: Sequence[Subject],
    inspectors: Sequence[Inspector],
    departments: Sequence[str],
    *,
    last_inspectors: Mapping[str, Iterable[str]] | None = None,
    required_qualifications: Iterable[str] = (),
    initial_load: Mapping[str, int] | None = None,
    min_inspectors: int = MIN_INSPECTORS_PER_OBJECT,
) -> Assignment:
    """Assign at least ``min_inspectors`` inspectors to each object, one per department first."""
    if min_inspectors < MIN_INSPECTORS_PER_OBJECT:
        raise ValueError(f"at least {MIN_INSPECTORS_PER_OBJECT} inspectors per object are required")
    depts = list(dict.fromkeys(departments))
    if not depts:
        raise ValueError("a plan needs at least one responsible department")
    last = {u: frozenset(ids) for u, ids in (last_inspectors or {}).items()}
    pools = _Pools(inspectors, frozenset(required_qualifications))
    load: dict[str, int] = {i.id: 0 for i in inspectors}
    load.update(initial_load or {})
    base = hashlib.blake2b(f"assign|{plan_id}|".encode(), key=seed, digest_size=32)
    copy = base.copy
    unpack = _CANDIDATES.unpack
    # Declarations are few: look up who declared the object or its group, then let the recusal
    # rule decide, instead of asking the rule about every inspector of the pool for every object.
    declared: dict[str, list[Inspector]] = {}
    for ins in inspectors:
        for interest in ins.interests:
            declared.setdefault(interest, []).append(ins)
    assigned: dict[str, tuple[str, ...]] = {}
    unassigned: dict[str, str] = {}
    missing: dict[str, tuple[str, ...]] = {}
    needed = max(min_inspectors, len(depts))
    no_one: frozenset[str] = frozenset()

    def pick(obj_key: str, pool: list[Inspector], blocked: frozenset[str] | set[str], chosen: list[str]) -> str | None:
        """Of the first two eligible hashed draws from the pool, the less loaded (the first on ties)."""
        h = copy()
        h.update(obj_key.encode())
        size = len(pool)
        first = second = -1
        for idx in unpack(h.digest()):
            j = idx % size
            if j == first:
                continue
            ins_id = pool[j].id
            if ins_id in blocked or ins_id in chosen:
                continue
            if first < 0:
                first = j
            else:
                second = j
                break
        if first < 0:  # hashed draws all rejected: fall back to an exhaustive scan
            start = unpack(h.digest())[0] % size
            seen = [i for i in pool[start:] + pool[:start] if i.id not in blocked and i.id not in chosen][:2]
            if not seen:
                return None
            return min(seen, key=lambda i: load[i.id]).id
        a = pool[first].id
        if second < 0:
            return a
        b = pool[second].id
        return b if load[b] < load[a] else a

    # Each district's pools, department by department, looked up once per object.
    pools_in: dict[str | None, list[tuple[str, list[Inspector]]]] = {}
    for obj in sorted(objects, key=lambda s: s.uscc):
        uscc = obj.uscc
        dept_pools = pools_in.get(obj.district)
        if dept_pools is None:
            dept_pools = pools_in[obj.district] = [(d, pools.pool(d, obj.district)) for d in depts]
        excluded = last.get(uscc, no_one)
        blocked: frozenset[str] | set[str] = excluded
        interested = declared.get(uscc, [])
        if obj.group_id is not None:
            interested = interested + declared.get(obj.group_id, [])
        if interested:
            blocked = set(excluded) | {i.id for i in interested if has_conflict_of_interest(i, obj)}
        chosen: list[str] = []
        lacking = []
        for dept, pool in dept_pools:
            got = pick(f"{uscc}|{dept}|0", pool, blocked, chosen) if pool else None
            if got is None:
                lacking.append(dept)
            else:
                chosen.append(got)
        round_no = 1
        while len(chosen) < needed and round_no <= needed:
            progressed = False
            for dept, pool in dept_pools:
                if len(chosen) >= needed:
                    break
                got = pick(f"{uscc}|{dept}|{round_no}", pool, blocked, chosen) if pool else None
                if got is not None:
                    chosen.append(got)
                    progressed = True
            if not progressed:
                break
            round_no += 1
        if len(chosen) < min_inspectors:
            unassigned[uscc] = _shortage_reason(obj, depts, pools, excluded, min_inspectors)
            continue
        for ins_id in chosen:
            load[ins_id] += 1
        assigned[uscc] = tuple(chosen)
        if lacking:
            missing[uscc] = tuple(lacking)
    return Assignment(ASSIGNMENT_ALGORITHM, assigned, unassigned, missing, load)


def _shortage_reason(
    obj: Subject, depts: list[str], pools: _Pools, excluded: frozenset[str], need: int
) -> str:
    """Say at which filter the candidates ran out, in the order the filters apply."""
    base = [i for d in depts for i in pools.pool(d, obj.district)]
    where = f"district {obj.district}" if obj.district else "the object"
    if len(base) < need:
        return (f"only {len(base)} active qualified inspector(s) of {', '.join(depts)} "
                f"cover {where} (need {need})")
    after_recusal = [i for i in base if not has_conflict_of_interest(i, obj)]
    if len(after_recusal) < need:
        return f"only {len(after_recusal)} eligible inspector(s) after recusal (need {need})"
    after_rotation = [i for i in after_recusal if i.id not in excluded]
    return (f"only {len(after_rotation)} eligible inspector(s) after excluding the previous "
            f"inspection's inspectors (need {need})")
