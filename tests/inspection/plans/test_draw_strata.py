"""The draw over stored strata: same selection as the pure draw, in one process or two."""

import random

from services.inspection.plans.draw import (
    DrawnMember,
    TwoProcessRanker,
    assign_in_two_processes,
    drawn_subjects,
    from_stratum_rows,
    group_population,
    stratum_rows,
)
from services.inspection.rules.assignment import Inspector, assign_inspectors
from services.inspection.rules.draw import (
    Subject,
    draw_inspection_objects,
    draw_strata,
    population_root,
    rank_strata,
    score_bound,
    scores_below,
)
from services.inspection.rules.ratios import RATIO_TABLES

SEED = bytes(range(7, 39))


def _population(n: int = 3000):
    rnd = random.Random(11)
    rows = sorted({f"9131{rnd.randrange(10**14):014d}" for _ in range(n)})
    return [(u, rnd.choice(["A", "B", "C", "D", None, "X"]), rnd.random() < 0.1, rnd.choice(["D1", "D2", None]),
             rnd.choice(["low", "medium", "high", None]))
            for u in rows]


def _strata(rows):
    return [([u.encode() for u, g, r, _, _ in rows if (g if g in ("A", "B", "C", "D") else None, r) == key], k)
            for key, k in [(("A", False), 40), (("B", True), 7), ((None, False), 0), (("D", False), 300)]]


def test_bound_keeps_at_least_k_and_positions_point_at_the_members():
    codes = [f"9131{i:014d}".encode() for i in range(5000)]
    positions: list[int] = []
    kept = scores_below(SEED, "p", codes, score_bound(len(codes), 50), positions)
    assert len(kept) >= 50 and len(kept) < 5000
    assert all(codes[p] == c[8:] for c, p in zip(kept, positions))
    assert sorted(kept)[:50] == sorted(scores_below(SEED, "p", codes, None))[:50]


def test_two_process_ranking_equals_the_one_process_ranking():
    strata = _strata(_population())
    expected = rank_strata(SEED, "plan-x", strata)
    for parallel_from in (0, 10**9):  # forked helper, and this process alone
        ranker = TwoProcessRanker(parallel_from=parallel_from)
        assert ranker(SEED, "plan-x", strata) == expected
        for (codes, _), chosen, where in zip(strata, expected, ranker.positions):
            assert {u: codes[p].decode() for u, p in where.items()} == {u: u for u in chosen}


def test_stored_strata_draw_the_same_as_the_pure_draw_with_districts():
    rows = _population()
    subjects = [Subject(uscc=u, grade=g, red_list=r, district=d, risk_level=x) for u, g, r, d, x in rows]
    table = RATIO_TABLES[-1]  # with risk factors: strata per risk level too
    pure = draw_inspection_objects("plan-s", SEED, subjects, table)
    assert {s.risk_level for s in pure.strata} == {"low", "medium", "high", None}
    strata = from_stratum_rows(stratum_rows("plan-s", group_population(rows, table.risk_key)))
    ranker = TwoProcessRanker(parallel_from=0)
    stored = draw_strata("plan-s", SEED, {s.key: s.codes for s in strata}, table,
                         population_root=population_root(u for u, *_ in rows), population_count=len(rows), rank=ranker)
    assert stored == pure
    drawn = drawn_subjects(stored, strata, ranker.positions)
    by_code = {s.uscc: s for s in subjects}
    assert [m.uscc for m in drawn] == sorted(pure.selected)
    assert all(m.district == by_code[m.uscc].district for m in drawn)


def test_assignment_shared_by_district_groups_equals_the_one_pass_assignment():
    rnd = random.Random(5)
    objects = sorted({u: DrawnMember(u, "B", False, f"D{rnd.randrange(6)}") for u in
                      (f"9131{rnd.randrange(10**9):014d}" for _ in range(600))}.values())
    inspectors = [Inspector(id=f"{dept}-{d}-{j}", department=dept, districts=frozenset({f"D{d}"}),
                            interests=frozenset({objects[rnd.randrange(len(objects))].uscc}))
                  for dept in ("market", "health") for d in range(5) for j in range(3)]  # D5: nobody
    inspectors.append(Inspector(id="market-bridge", department="market", districts=frozenset({"D0", "D1"})))
    last = {o.uscc: [f"market-{o.district[1:]}-0"] for o in objects[::7]}
    one_pass = assign_inspectors("p", SEED, objects, inspectors, ["market", "health"], last_inspectors=last)
    shared = assign_in_two_processes("p", SEED, objects, inspectors, ["market", "health"], last_inspectors=last,
                                     required_qualifications=(), parallel_from=0)
    assert one_pass.unassigned  # D5 has no inspector
    for field in ("assigned", "unassigned", "missing_departments", "load"):
        assert list(getattr(shared, field).items()) == list(getattr(one_pass, field).items()), field
