"""Inspector assignment: two per object, recusal, rotation, joint plans, shortages, verification."""

from collections import Counter

from services.inspection.rules.assignment import (
    MIN_INSPECTORS_PER_OBJECT,
    Inspector,
    assign_inspectors,
    has_conflict_of_interest,
)
from services.inspection.rules.draw import Subject
from services.inspection.rules.ratios import RATIO_TABLES
from services.inspection.rules.verify import to_published_record, verify_draw
from tests.inspection.rules.sealing import sealed

SEED = b"assignment-seed-0123456789abcdef"


def _objects(n=60):
    return [Subject(uscc=f"9131{i:014d}", grade="C", district=f"D{i % 2}", group_id=f"G{i % 7}")
            for i in range(n)]


def _inspectors():
    out = []
    for dept in ("market", "food"):
        for j in range(6):
            out.append(Inspector(id=f"{dept}-{j}", department=dept, qualifications=frozenset({"enforcement"}),
                                 districts=frozenset({f"D{j % 2}"})))
    return out


def test_at_least_two_inspectors_per_object():
    result = assign_inspectors("p", SEED, _objects(), _inspectors(), ["market"])
    assert MIN_INSPECTORS_PER_OBJECT == 2
    assert len(result.assigned) == 60 and not result.unassigned
    ins = {i.id: i for i in _inspectors()}
    obj = {o.uscc: o for o in _objects()}
    for uscc, ids in result.assigned.items():
        assert len(set(ids)) >= 2
        assert all(ins[i].department == "market" and obj[uscc].district in ins[i].districts for i in ids)


def test_joint_plan_takes_one_inspector_per_department():
    result = assign_inspectors("p", SEED, _objects(), _inspectors(), ["market", "food"])
    for ids in result.assigned.values():
        assert sorted(i.split("-")[0] for i in ids) == ["food", "market"]


def test_recusal_for_declared_interest_in_subject_or_group():
    objs = _objects()
    inspectors = _inspectors()
    inspectors[0] = Inspector(id="market-0", department="market", qualifications=frozenset({"enforcement"}),
                              districts=frozenset({"D0"}), interests=frozenset({"G0", objs[2].uscc}))
    assert has_conflict_of_interest(inspectors[0], objs[0])
    result = assign_inspectors("p", SEED, objs, inspectors, ["market"])
    for o in objs:
        if o.group_id == "G0" or o.uscc == objs[2].uscc:
            assert "market-0" not in result.assigned[o.uscc]
    assert any("market-0" in ids for ids in result.assigned.values())  # not excluded elsewhere


def test_not_the_same_inspector_as_last_time():
    objs = _objects()
    first = assign_inspectors("p1", SEED, objs, _inspectors(), ["market"])
    second = assign_inspectors("p2", SEED, objs, _inspectors(), ["market"], last_inspectors=first.assigned)
    for uscc, ids in second.assigned.items():
        assert not set(ids) & set(first.assigned[uscc])


def test_inactive_or_unqualified_inspectors_are_never_drawn():
    inspectors = _inspectors() + [
        Inspector(id="market-x", department="market", districts=frozenset({"*"})),  # no qualification
        Inspector(id="market-y", department="market", qualifications=frozenset({"enforcement"}),
                  districts=frozenset({"*"}), active=False),
    ]
    result = assign_inspectors("p", SEED, _objects(), inspectors, ["market"], required_qualifications={"enforcement"})
    drawn = {i for ids in result.assigned.values() for i in ids}
    assert not drawn & {"market-x", "market-y"}


def test_load_is_balanced():
    result = assign_inspectors("p", SEED, _objects(300), _inspectors(), ["market"])
    counts = Counter(i for ids in result.assigned.values() for i in ids)
    per_district = [counts[f"market-{j}"] for j in range(0, 6, 2)]  # the three D0 inspectors
    assert max(per_district) - min(per_district) <= 3


def test_shortage_is_reported_with_reason():
    objs = _objects(4)
    only_two = [Inspector(id="a", department="market", districts=frozenset({"*"})),
                Inspector(id="b", department="market", districts=frozenset({"*"}), interests=frozenset({objs[1].uscc}))]
    result = assign_inspectors("p", SEED, objs, only_two, ["market"], last_inspectors={objs[2].uscc: ["a"]})
    assert result.assigned[objs[0].uscc] in (("a", "b"), ("b", "a"))
    assert result.unassigned[objs[1].uscc] == "only 1 eligible inspector(s) after recusal (need 2)"
    assert "previous inspection" in result.unassigned[objs[2].uscc]
    nobody = assign_inspectors("p", SEED, objs, only_two, ["ecology"])
    assert all("only 0 active qualified inspector(s) of ecology" in r for r in nobody.unassigned.values())


def test_assignment_is_deterministic_and_verifiable():
    objs = _objects()
    inspectors = _inspectors()
    s = sealed("plan-9", objs, RATIO_TABLES[0], ("market", "food"))
    chosen = s.drawn
    a = assign_inspectors("plan-9", s.seed, chosen, inspectors, ["market", "food"])
    assert a == assign_inspectors("plan-9", s.seed, list(reversed(chosen)), inspectors, ["market", "food"])
    record = to_published_record(s.result, s.seed, chosen, assignment=a, inspectors=inspectors,
                                 departments=["market", "food"], **s.inputs) | {"population": s.population}
    assert verify_draw(record).ok
    first = next(iter(record["assignment"]["assigned"]))
    record["assignment"]["assigned"][first] = ["market-0", "market-1"]
    v = verify_draw(record)
    assert not v.ok and f"assignment: assignment mismatch for {first}" in v.mismatches


def test_published_record_withholds_declared_interests_yet_verifies():
    from services.inspection.rules.verify import interests_commitment

    objs = _objects(20)
    inspectors = _inspectors()
    inspectors[0] = Inspector(id="market-0", department="market", qualifications=frozenset({"enforcement"}),
                              districts=frozenset({"D0"}), interests=frozenset({"G0", objs[4].uscc}))
    def sealing(value: str):
        return sealed("plan-p", objs, RATIO_TABLES[0], ("market", "food"), full_coverage=True, beacon_value=value)

    # A beacon under which the recusal matters: without it, market-0 would be sent to object 4.
    undeclared = [Inspector(id=i.id, department=i.department, qualifications=i.qualifications,
                            districts=i.districts) for i in inspectors]
    s = next(sealing(str(v)) for v in range(200) if "market-0" in assign_inspectors(
        "plan-p", sealing(str(v)).seed, objs, undeclared, ["market", "food"]).assigned.get(objs[4].uscc, ()))
    last = {objs[2].uscc: ["food-0"]}
    a = assign_inspectors("plan-p", s.seed, objs, inspectors, ["market", "food"], last_inspectors=last)
    record = to_published_record(s.result, s.seed, s.drawn, assignment=a, inspectors=inspectors,
                                 departments=["market", "food"], last_inspectors=last, interest_salt=b"s" * 32,
                                 **s.inputs) | {"population": s.population}
    published = record["assignment"]
    assert all("interests" not in i for i in published["inspectors"]) and published["recusal"]["checked"]
    assert not any(objs[4].uscc in str(i) or "G0" in str(i) for i in published["inspectors"])
    # Recusal (group G0 = objects 0, 7, 14; object 4 by code) and rotation merge into one excluded set.
    assert {u for u, ids in published["excluded"].items() if "market-0" in ids} == {
        objs[0].uscc, objs[4].uscc, objs[7].uscc, objs[14].uscc}
    assert published["excluded"][objs[2].uscc] == ["food-0"]
    assert published["inspectors"][6]["interests_commitment"] == interests_commitment(b"s" * 32, inspectors[0])
    assert verify_draw(record).ok
    record["assignment"]["excluded"][objs[4].uscc] = []  # hide a recusal: the recomputed assignment differs
    assert not verify_draw(record).ok
