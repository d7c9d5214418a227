"""The draw's working form of a frozen population, and its work shared with a second process.

At commit time the population is also stored per (grade, red list) stratum (``PopulationStratum``):
the draw reads about ten values instead of millions of rows, scores the members without
regrouping them, and decodes the districts of the drawn members only, found by their positions
in the stratum. Scoring, and the assignment when districts allow, are shared with a forked
helper process in a way that gives exactly the one-process result (the published record is
verified by recomputing it in one process).
"""

from __future__ import annotations

import gc
import marshal
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any, NamedTuple

from services.inspection.models import PopulationStratum
from services.inspection.rules.assignment import (
    Assignment,
    Inspector,
    assign_inspectors,
)
from services.inspection.rules.blinding import blinded_root, tags_of
from services.inspection.rules.draw import (
    DrawResult,
    StratumKey,
    lowest_of,
    score_bound,
    scores_below,
    stratum_name,
    stratum_order,
)
from services.inspection.rules.ratios import GRADES

_ANY_DISTRICT = "*"  # as in rules.assignment: an inspector of the whole city

# Below these sizes the fork costs more than the second core saves.
PARALLEL_FROM = 200_000  # members to score
PARALLEL_ASSIGN_FROM = 20_000  # drawn objects to assign


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = True


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a commit or a draw runs.

    They allocate millions of tuples and lists, all freed by reference counting; meanwhile the
    cyclic collector would walk the whole heap again and again (a third of the draw's CPU time at
    1,000,000 subjects, measured). Nested and concurrent pauses resume collection once, at the end."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


@dataclass(frozen=True)
class FrozenStratum:
    """One stratum of a frozen population: its USCCs ascending (ASCII bytes) and their districts."""

    grade: str | None
    red_list: bool
    risk_level: str | None
    codes: list[bytes]
    districts: list[str | None]
    district_index: str  # fixed-width hex per member, indexing `districts`

    @property
    def key(self) -> StratumKey:
        return self.grade, self.red_list, self.risk_level


def group_population(rows: Iterable[Any], risk_key: Callable[[str | None], str | None]) -> list[FrozenStratum]:
    """Strata of a population given as (uscc, grade, red_list, district, risk level) rows in USCC order.

    Grades outside A-D count as ungraded, and ``risk_key`` (the ratio table's) says which risk levels
    form strata of their own, as in the draw rules."""
    members: dict[StratumKey, tuple[list[str], list[str | None]]] = {}
    graded = frozenset(GRADES)
    for uscc, grade, red, district, risk in rows:
        key = (grade if grade in graded else None, bool(red), risk_key(risk))
        bucket = members.get(key)
        if bucket is None:
            bucket = members[key] = ([], [])
        bucket[0].append(uscc)
        bucket[1].append(district)
    out = []
    for (grade, red, risk), (codes, districts) in members.items():
        names = sorted(set(districts), key=lambda d: (d is None, d or ""))
        width = len(f"{max(len(names) - 1, 0):x}")
        position = {d: f"{i:0{width}x}" for i, d in enumerate(names)}
        out.append(FrozenStratum(grade, red, risk, "\n".join(codes).encode("ascii").split(b"\n"), names,
                                 "".join(map(position.__getitem__, districts))))
    return out


def stratum_rows(plan_id: str, strata: Sequence[FrozenStratum]) -> list[PopulationStratum]:
    return [PopulationStratum(plan_id=plan_id, name=stratum_name(*s.key), grade=s.grade,
                              red_list=s.red_list, risk_level=s.risk_level, member_count=len(s.codes), usccs=b"\n".join(s.codes).decode("ascii"),
                              districts=s.districts, district_index=s.district_index)
            for s in strata]


def from_stratum_rows(rows: Sequence[Any]) -> list[FrozenStratum]:
    return [FrozenStratum(r.grade, bool(r.red_list), r.risk_level, r.usccs.encode("ascii").split(b"\n") if r.member_count else [],
                          list(r.districts), r.district_index) for r in rows]


class DrawnMember(NamedTuple):
    """A drawn member with what the assignment and the record read of a ``Subject`` (a named
    tuple is built in a fifth of a frozen dataclass's time: 190,000 of them at 3,000,000)."""

    uscc: str
    grade: str | None
    red_list: bool
    district: str | None
    group_id: str | None = None


def drawn_subjects(result: DrawResult, strata: Sequence[FrozenStratum],
                   positions: Sequence[Mapping[str, int]]) -> list[DrawnMember]:
    """The drawn members with their districts (for the assignment), in USCC order.

    ``positions``: per stratum of the result, where each drawn member sits in its stratum."""
    by_key = {s.key: s for s in strata}
    out: list[DrawnMember] = []
    for st, where in zip(result.strata, positions):
        frozen = by_key[(st.grade, st.red_list, st.risk_level)]
        index, names = frozen.district_index, frozen.districts
        width = len(index) // len(frozen.codes)
        grade, red = st.grade, st.red_list
        for u in st.selected:
            at = where[u] * width
            out.append(DrawnMember(u, grade, red, names[int(index[at : at + width], 16)]))
    out.sort(key=itemgetter(0))  # by code alone: comparing whole tuples costs several times more
    return out


class TwoProcessRanker:
    """``rules.draw.rank_strata`` with the scoring spread over this process and a forked helper,
    remembering where each drawn member sits in its stratum (``positions``, per stratum).

    Scores are independent per member, so each half of a stratum keeps its members below the
    stratum's bound and the k lowest of the union are exactly the k lowest of the stratum. The
    helper is forked (it shares the codes without copying them), only computes, writes its
    candidates to a pipe and leaves with ``os._exit``; if it fails, this process scores its halves.
    """

    def __init__(self, parallel_from: int = PARALLEL_FROM) -> None:
        self.parallel_from = parallel_from
        self.positions: list[dict[str, int]] = []

    def __call__(self, seed: bytes, plan_id: str, strata: Sequence[tuple[Sequence[bytes], int]]) -> list[list[str]]:
        parallel = (sum(len(codes) for codes, _ in strata) >= self.parallel_from and hasattr(os, "fork")
                    and (os.cpu_count() or 1) >= 2)
        work = [(codes, k, score_bound(len(codes), k), len(codes) // 2 if parallel else len(codes))
                for codes, k in strata if k]
        theirs_part = [(codes[half:], bound) for codes, _, bound, half in work] if parallel else []
        helper = _Helper.start(lambda: [_scored(seed, plan_id, codes, bound) for codes, bound in theirs_part]) \
            if parallel else None
        mine = [_scored(seed, plan_id, codes[:half] if parallel else codes, bound) for codes, _, bound, half in work]
        theirs = helper.result() if helper is not None else None
        if theirs is None:
            theirs = [_scored(seed, plan_id, codes[half:], bound) for codes, _, bound, half in work]
        ranked = iter(zip(work, mine, theirs))
        out: list[list[str]] = []
        for _, k in strata:
            if not k:
                out.append([])
                self.positions.append({})
                continue
            (codes, _, _, half), (kept, at), (kept2, at2) = next(ranked)
            kept += kept2
            at += [half + p for p in at2]
            chosen = lowest_of(kept, k)
            if chosen is None:  # fewer than k below the bound (practically never): keep everyone
                kept, at = _scored(seed, plan_id, codes, None)
                chosen = lowest_of(kept, k) or []
            where = {c[8:]: p for c, p in zip(kept, at)}
            self.positions.append({u: where[u.encode("ascii")] for u in chosen})
            out.append(chosen)
        return out


def assign_in_two_processes(plan_id: str, seed: bytes, objects: Sequence[Any], inspectors: Sequence[Inspector],
                            departments: Sequence[str], *, last_inspectors: Mapping[str, Iterable[str]],
                            required_qualifications: Iterable[str],
                            parallel_from: int = PARALLEL_ASSIGN_FROM) -> Assignment:
    """``rules.assignment.assign_inspectors``, shared with a forked helper when it can be exactly.

    An object's inspectors are drawn from the pools of its district, and the loads that tip the
    choice are those pools' inspectors' loads. Districts that no inspector spans form independent
    groups: assigning each group alone, objects still in USCC order, gives the same inspectors as
    assigning all at once. Groups are formed from every inspector's districts, whatever their
    department, qualification or status (coarser groups, never wrongly split); an inspector of the
    whole city, or objects without a district, make one group and the assignment runs here.
    """
    required = tuple(required_qualifications)

    def assign(part: Sequence[Any]) -> Assignment:
        return assign_inspectors(plan_id, seed, part, inspectors, departments, last_inspectors=last_inspectors,
                                 required_qualifications=required)

    halves = _independent_halves(objects, inspectors) if len(objects) >= parallel_from else None
    if halves is None or not hasattr(os, "fork"):
        return assign(objects)
    mine, theirs = halves
    helper = _Helper.start(lambda: _plain(assign(theirs)))
    a = assign(mine)
    b = helper.result() if helper is not None else None
    assigned, unassigned, missing, load = b if b is not None else _plain(assign(theirs))
    by_code = itemgetter(0)  # both parts are in USCC order: the merge gives the one-pass insertion order
    return Assignment(
        a.algorithm,
        dict(sorted([*a.assigned.items(), *assigned.items()], key=by_code)),
        dict(sorted([*a.unassigned.items(), *unassigned.items()], key=by_code)),
        dict(sorted([*a.missing_departments.items(), *missing.items()], key=by_code)),
        {i: n + load.get(i, 0) for i, n in a.load.items()},  # each inspector is loaded in one part only
    )


def _plain(a: Assignment) -> tuple[dict[str, tuple[str, ...]], dict[str, str], dict[str, tuple[str, ...]], dict]:
    return a.assigned, a.unassigned, a.missing_departments, a.load


def _independent_halves(objects: Sequence[Any], inspectors: Sequence[Inspector]) -> tuple[list, list] | None:
    """The objects in two parts whose districts share no inspector, as even as whole groups allow."""
    districts = {o.district for o in objects}
    if None in districts:
        return None
    group = {d: d for d in districts}

    def root(d: str) -> str:
        while group[d] != d:
            group[d] = group[group[d]]
            d = group[d]
        return d

    for ins in inspectors:
        covered = districts if _ANY_DISTRICT in ins.districts else districts & ins.districts
        first = next(iter(covered), None)
        for d in covered:
            group[root(d)] = root(first)
    sizes: dict[str, int] = {}
    for o in objects:
        r = root(o.district)
        sizes[r] = sizes.get(r, 0) + 1
    if len(sizes) < 2:
        return None
    theirs: set[str] = set()
    count = 0
    for r, n in sorted(sizes.items(), key=lambda x: -x[1]):  # largest groups first, to the lighter side
        if count + n <= len(objects) / 2:
            theirs.add(r)
            count += n
    if not count:
        return None
    mine = [o for o in objects if root(o.district) not in theirs]
    return mine, [o for o in objects if root(o.district) in theirs]


def _scored(seed: bytes, plan_id: str, codes: Sequence[bytes], bound: bytes | None) -> tuple[list[bytes], list[int]]:
    positions: list[int] = []
    return scores_below(seed, plan_id, codes, bound, positions), positions


class _Helper:
    """A forked process computing ``work()`` (a marshal-able value) on the memory it shares with
    this one, collected with ``result()``. None instead of a helper, or as the result, when the
    fork or the helper failed: the caller then computes that share itself."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd

    @classmethod
    def start(cls, work: Callable[[], Any]) -> _Helper | None:
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return None
        with warnings.catch_warnings():
            # The helper never touches the event loop, locks, connections or files: it computes,
            # writes one pipe and exits without any cleanup, which is safe in a threaded parent.
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                pid = os.fork()
            except OSError:
                os.close(read_end)
                os.close(write_end)
                return None
        if pid == 0:
            code = 1
            try:
                os.close(read_end)
                view = memoryview(marshal.dumps(work()))
                while view:
                    view = view[os.write(write_end, view):]
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        return cls(pid, read_end)

    def result(self) -> Any:
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            _, status = os.waitpid(self.pid, 0)
        if status != 0:
            return None
        try:
            return marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError):
            return None


def task_rows(result: DrawResult, assigned: dict[str, tuple[str, ...]], unassigned: dict[str, str],
              ids: list[str]) -> list[tuple[str, str, tuple[str, ...], str | None, str]]:
    """(task id, uscc, inspector ids, unassigned reason, stratum) for each drawn object, in draw order."""
    it = iter(ids)
    return [(next(it), uscc, assigned.get(uscc, ()), unassigned.get(uscc), stratum.name)
            for stratum in result.strata for uscc in stratum.selected]


def tags_by_stratum(strata: Sequence[FrozenStratum], salt_key: bytes) -> dict[StratumKey, list[bytes]]:
    """Each stratum's member tags (rules/blinding.py), in the order of its codes."""
    return {s.key: tags_of(salt_key, s.codes) for s in strata}


def published_tags(strata: Sequence[FrozenStratum], salt_key: bytes) -> dict[str, list[str]]:
    """The record's population: per stratum, in draw order, its tags ascending."""
    ordered = sorted(strata, key=lambda s: stratum_order(s.key))
    return {stratum_name(*s.key): sorted(t.decode("ascii") for t in tags_of(salt_key, s.codes)) for s in ordered}


def blinded_root_of(strata: Sequence[FrozenStratum], salt_key: bytes) -> str:
    return blinded_root(list(published_tags(strata, salt_key).items()))


def unblinded(result: DrawResult, strata: Sequence[FrozenStratum], positions: Sequence[Mapping[str, int]]
              ) -> tuple[DrawResult, list[dict[str, int]]]:
    """The draw over tags with its selections named by USCC again (the tag's position in its stratum
    is its code's), and where each drawn USCC sits in its stratum."""
    by_key = {s.key: s for s in strata}
    out, where = [], []
    for st, at in zip(result.strata, positions):
        codes = by_key[(st.grade, st.red_list, st.risk_level)].codes
        usccs = [codes[at[t]].decode("ascii") for t in st.selected]
        out.append(replace(st, selected=tuple(usccs)))
        where.append({u: at[t] for u, t in zip(usccs, st.selected)})
    return replace(result, strata=tuple(out)), where
