"""Draw rules: ratios, rounding, strata, commitment, determinism and public verification."""

import copy
import math
from datetime import date
from decimal import Decimal

import pytest

from services.inspection.rules.draw import (
    Subject,
    draw_inspection_objects,
    population_inclusion_proof,
    population_root,
    selection_score,
)
from services.inspection.rules.ratios import (
    RATIO_TABLES,
    ratio_table_in_force,
    sample_size,
    stratum_ratio,
    with_plan_overrides,
)
from services.inspection.rules.verify import to_published_record, verify_draw
from shared.merkle import leaf_hash, verify_inclusion
from tests.inspection.rules.sealing import sealed

SEED = bytes(range(32))
TABLE = ratio_table_in_force(date(2024, 6, 1))


def _population():
    """All four grades, an ungraded group and red-list subjects; sizes chosen to exercise rounding."""
    sizes = {("A", False): 250, ("B", False): 333, ("C", False): 41, ("D", False): 7,
             (None, False): 19, ("A", True): 90, ("B", True): 1}
    subjects, i = [], 0
    for (grade, red), n in sizes.items():
        for _ in range(n):
            subjects.append(Subject(uscc=f"9131{i:014d}", grade=grade, red_list=red,
                                    district=f"D{i % 3}", group_id=f"G{i % 50}"))
            i += 1
    return subjects


def test_default_ratio_table_figures_and_version():
    assert TABLE.version == RATIO_TABLES[0].version
    assert {g: str(r) for g, r in TABLE.grade_ratios.items()} == {"A": "0.03", "B": "0.05", "C": "0.10", "D": "0.30"}
    assert TABLE.ungraded_ratio == TABLE.grade_ratios["B"]
    with pytest.raises(LookupError):
        ratio_table_in_force(date(2019, 12, 31))


def test_sample_size_rounds_up_and_never_skips_a_stratum():
    assert sample_size(Decimal("0.03"), 100) == 3  # exact decimals: no float overshoot to 4
    assert sample_size(Decimal("0.03"), 101) == 4
    assert sample_size(Decimal("0.03"), 1) == 1
    assert sample_size(Decimal("0.03"), 0) == 0
    assert sample_size(Decimal("0.30"), 7) == 3
    assert sample_size(Decimal(0), 50) == 0
    assert sample_size(Decimal("0.05"), 40, full_coverage=True) == 40  # key items: everyone


def test_red_list_drawn_at_reduced_ratio_and_publicity_floor():
    assert stratum_ratio(TABLE, "A", True) == Decimal("0.015")
    assert stratum_ratio(TABLE, "D", True) == Decimal("0.15")
    assert stratum_ratio(TABLE, None, False) == Decimal("0.05")
    assert stratum_ratio(TABLE, "A", True, publicity_check=True) == Decimal("0.03")


def test_plan_override_changes_only_named_grades():
    plan = with_plan_overrides(TABLE, {"C": "0.2"})
    assert stratum_ratio(plan, "C", False) == Decimal("0.2")
    assert stratum_ratio(plan, "A", False) == Decimal("0.03")
    with pytest.raises(ValueError):
        with_plan_overrides(TABLE, {"E": "0.1"})


def test_selected_count_per_stratum_follows_rounding_rule():
    pop = _population()
    result = draw_inspection_objects("plan-1", SEED, pop, TABLE)
    by_name = {s.name: s for s in result.strata}
    expected = {"A": math.ceil(0.03 * 250), "B": math.ceil(0.05 * 333), "C": math.ceil(0.10 * 41),
                "D": math.ceil(0.30 * 7), "ungraded": 1, "A/red-list": 2, "B/red-list": 1}
    assert {n: s.k for n, s in by_name.items()} == expected
    assert {n: len(s.selected) for n, s in by_name.items()} == expected
    codes = {s.uscc: s for s in pop}
    for st in result.strata:  # every selected subject belongs to its stratum
        assert all((codes[u].grade, codes[u].red_list) == (st.grade, st.red_list) for u in st.selected)
    assert result.rule_version == TABLE.version


def test_selection_is_the_k_lowest_keyed_scores():
    pop = _population()
    result = draw_inspection_objects("plan-1", SEED, pop, TABLE)
    d = next(s for s in result.strata if s.name == "D")
    members = sorted((selection_score(SEED, "plan-1", s.uscc), s.uscc) for s in pop if s.grade == "D" and not s.red_list)
    assert list(d.selected) == [u for _, u in members[: d.k]]


def test_draw_is_deterministic_and_order_independent():
    pop = _population()
    a = draw_inspection_objects("plan-1", SEED, pop, TABLE)
    b = draw_inspection_objects("plan-1", SEED, list(reversed(pop)), TABLE)
    assert a == b
    other_seed = draw_inspection_objects("plan-1", bytes(31) + b"\x01", pop, TABLE)
    other_plan = draw_inspection_objects("plan-2", SEED, pop, TABLE)
    assert a.selected != other_seed.selected and a.selected != other_plan.selected


def test_full_coverage_for_key_items():
    pop = _population()
    result = draw_inspection_objects("key-1", SEED, pop, TABLE, full_coverage=True)
    assert sorted(result.selected) == sorted(s.uscc for s in pop)


def test_commitment_and_population_root():
    pop = _population()
    result = draw_inspection_objects("plan-1", SEED, pop, TABLE, commitment="c" * 64)
    assert result.population_root == population_root(s.uscc for s in pop)
    assert result.seed_commitment == "c" * 64
    index, size, path = population_inclusion_proof(pop[5].uscc, [s.uscc for s in pop])
    assert verify_inclusion(leaf_hash(pop[5].uscc.encode()), index, size,
                            [bytes.fromhex(p) for p in path], bytes.fromhex(result.population_root))


def test_duplicate_uscc_and_weak_seed_are_refused():
    pop = _population()
    with pytest.raises(ValueError, match="duplicate"):
        draw_inspection_objects("plan-1", SEED, pop + [pop[0]], TABLE)
    with pytest.raises(ValueError, match="seed"):
        draw_inspection_objects("plan-1", b"short", pop, TABLE)


def _record():
    s = sealed("plan-1", _population(), TABLE)
    return to_published_record(s.result, s.seed, s.drawn, **s.inputs) | {"population": s.population}


def test_published_record_verifies():
    record = _record()
    assert record["format"] == "inspection-draw/3"
    import json
    assert verify_draw(json.loads(json.dumps(record))).ok


def test_one_byte_changed_in_seed_fails_verification():
    record = _record()
    seed = bytearray.fromhex(record["seed"])
    seed[0] ^= 1
    record["seed"] = seed.hex()
    v = verify_draw(record)
    assert not v.ok and any("commitment mismatch" in m for m in v.mismatches)
    assert any(m.startswith("selection: ") and "selection differs" in m for m in v.mismatches)


def test_one_byte_changed_in_population_fails_verification():
    record = _record()
    tags = record["population"][record["strata"][0]["name"]]
    tags[3] = ("0" if tags[3][0] != "0" else "1") + tags[3][1:]  # one character of one member's tag
    v = verify_draw(record)
    assert not v.ok and any(m.startswith("population: population root mismatch") for m in v.mismatches)


def test_tampered_k_and_selection_are_reported():
    record = _record()
    tampered = copy.deepcopy(record)
    tampered["strata"][0]["k"] += 1
    tampered["strata"][1]["selected"][0] = record["strata"][0]["selected"][0]
    v = verify_draw(tampered)
    for st in record["strata"][:2]:
        assert f"selection: stratum {st['name']}: ratio, k or selection differs from the recomputation" in v.mismatches


def test_altered_ratio_figures_of_a_known_version_are_reported():
    record = _record()
    record["ratio_table"]["grade_ratios"]["D"] = "0.01"
    v = verify_draw(record)
    assert any("ratio table mismatch" in m for m in v.mismatches)


def test_known_root_skips_rehashing_but_needs_the_sorted_pool():
    pop = sorted(_population(), key=lambda s: s.uscc)
    full = draw_inspection_objects("plan-1", SEED, pop, TABLE)
    fast = draw_inspection_objects("plan-1", SEED, pop, TABLE, known_root=full.population_root)
    assert fast == full
    with pytest.raises(ValueError, match="strictly ascending"):
        draw_inspection_objects("plan-1", SEED, list(reversed(pop)), TABLE, known_root=full.population_root)


def test_results_are_due_for_publication_within_20_working_days():
    from datetime import date as _date

    from services.inspection.rules.results import (
        RESULT_PUBLICATION_WORKING_DAYS,
        is_overdue,
        publication_deadline,
    )

    assert RESULT_PUBLICATION_WORKING_DAYS == 20
    due = publication_deadline(_date(2026, 9, 25))  # National Day week in between
    assert due.due == _date(2026, 10, 29) and due.days == 20  # 20 weekdays would end on 23 October
    assert is_overdue(due.due, None, _date(2026, 10, 31)) and not is_overdue(due.due, None, due.due)
    assert not is_overdue(due.due, _date(2026, 11, 2), _date(2026, 11, 3))


def test_risk_factor_multiplies_the_ratio_in_the_table_in_force():
    table = ratio_table_in_force(date(2026, 12, 1))
    assert table.version == "ratios-2026-12" and TABLE.risk_factors == {}
    assert stratum_ratio(table, "B", False, "high") == Decimal("0.15")
    assert stratum_ratio(table, "B", True, "medium") == Decimal("0.050")
    assert stratum_ratio(table, "D", False, "high") == Decimal("0.90")
    assert stratum_ratio(table, "D", True, "high") == Decimal("0.45")
    assert stratum_ratio(table, "B", False, None) == stratum_ratio(table, "B", False, "low") == Decimal("0.05")
    assert stratum_ratio(table, "A", False, "high", publicity_check=True) == Decimal("0.09")
    assert stratum_ratio(TABLE, "B", False, "high") == Decimal("0.05")  # the older table knows no risk
    pop = [Subject(uscc=f"9131{i:014d}", grade="B", risk_level=["high", None][i % 2]) for i in range(300)]
    result = draw_inspection_objects("plan-r", SEED, pop, table)
    assert {(s.name, s.population, s.k) for s in result.strata} == {("B", 150, 8), ("B/risk-high", 150, 23)}
    assert [s.name for s in draw_inspection_objects("plan-r", SEED, pop, TABLE).strata] == ["B"]
    with pytest.raises(ValueError, match="unknown risk level 'odd'"):  # never silently counted as unrated
        draw_inspection_objects("plan-r", SEED, [*pop, Subject(uscc="9131" + "9" * 14, risk_level="odd")], table)
