"""Benchmark of the verifiable inspection draw: python -m bench.draw [--n 3000000]."""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

from services.inspection.rules.assignment import Inspector, assign_inspectors
from services.inspection.rules.draw import (
    Subject,
    draw_inspection_objects,
    population_root,
)
from services.inspection.rules.ratios import ratio_table_in_force

_GRADES = ["A"] * 30 + ["B"] * 45 + ["C"] * 15 + ["D"] * 5 + [None] * 5


def _subjects(n: int, rnd: random.Random, presorted: bool) -> list[Subject]:
    out = [
        Subject(uscc=f"91{310000 + i % 16:06d}{i:010d}", grade=rnd.choice(_GRADES),
                red_list=rnd.random() < 0.05, district=f"D{i % 16}", group_id=f"G{i % 5000}")
        for i in range(n)
    ]
    if not presorted:
        rnd.shuffle(out)
    return out


def _inspectors(rnd: random.Random) -> list[Inspector]:
    return [
        Inspector(id=f"{dept}-{d}-{j}", department=dept, qualifications=frozenset({"enforcement"}),
                  districts=frozenset({f"D{d}"}), interests=frozenset({f"G{rnd.randrange(5000)}"}))
        for dept in ("market", "food") for d in range(16) for j in range(60)
    ]


def _timed(label: str, fn):
    w, c = time.perf_counter(), time.process_time()
    value = fn()
    print(f"  {label:<34} wall {time.perf_counter() - w:6.2f} s   cpu {time.process_time() - c:6.2f} s")
    return value, time.perf_counter() - w


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.draw")
    parser.add_argument("--n", type=int, default=3_000_000, help="number of synthetic subjects")
    parser.add_argument("--shuffled", action="store_true", help="population not pre-sorted by USCC")
    args = parser.parse_args(argv)
    rnd = random.Random(20200101)
    seed = bytes(rnd.randrange(256) for _ in range(32))
    table = ratio_table_in_force(date.today())
    print(f"draw benchmark: n={args.n:,} ({'shuffled' if args.shuffled else 'ordered by USCC'})")
    population, _ = _timed("generate subjects (not counted)", lambda: _subjects(args.n, rnd, not args.shuffled))
    inspectors = _inspectors(rnd)
    _, t_root = _timed("population root (sort + Merkle)", lambda: population_root(s.uscc for s in population))
    result, t_draw = _timed("draw (strata, root, ranking)", lambda: draw_inspection_objects("bench", seed, population, table))
    chosen_codes = set(result.selected)
    chosen = [s for s in population if s.uscc in chosen_codes]
    last = {s.uscc: [f"market-{s.district[1:]}-0"] for s in chosen[::3]}
    assignment, t_assign = _timed(
        f"assignment ({len(chosen):,} objects, {len(inspectors)} insp.)",
        lambda: assign_inspectors("bench", seed, chosen, inspectors, ["market", "food"], last_inspectors=last),
    )
    for st in result.strata:
        print(f"    stratum {st.name:<16} n={st.population:>9,}  ratio={st.ratio}  k={st.k:,}")
    print(f"  unassigned objects: {len(assignment.unassigned)}")
    print(f"  TOTAL draw + assignment: {t_draw + t_assign:.2f} s (target <= 5 s); root alone {t_root:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
