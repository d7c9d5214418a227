from dataclasses import replace
from datetime import date

import pytest

from services.credit.rules.facts import ListMembership, RecordFact
from services.credit.rules.grading import (
    GRADING_RULE_SETS,
    grade_score_fast,
    grade_subject,
    rule_set_for,
)

AS_OF = date(2025, 12, 1)


def pen(rid, day, severity="general", **kw):
    return RecordFact(rid, "penalty", day, severity=severity, penalty_kind="fine", **kw)


def test_clean_subject_is_a():
    e = grade_subject([], [], "low", AS_OF)
    assert (e.grade, e.score) == ("A", 10.0)
    assert e.rule_set_version == "grading-2025.1"
    assert e.what_would_change == ()


def test_penalty_weights_by_severity():
    scores = [grade_subject([pen("p", date(2025, 6, 1), s)], [], "low", AS_OF).score
              for s in ("minor", "general", "serious")]
    assert scores == [15.0, 25.0, 45.0]


def test_age_decay_halves_then_drops_records():
    full = grade_subject([pen("p", date(2025, 6, 1))], [], "low", AS_OF)
    aged = grade_subject([pen("p", date(2024, 6, 1))], [], "low", AS_OF)
    gone = grade_subject([pen("p", date(2022, 6, 1))], [], "low", AS_OF)
    assert [full.score, aged.score, gone.score] == [25.0, 17.5, 10.0]
    assert "older than 3 year(s)" in gone.contributions[-1].reason


def test_ended_publicity_no_longer_counts():
    e = grade_subject([pen("p", date(2025, 6, 1), publicity_end=date(2025, 9, 1))], [], "low", AS_OF)
    assert e.score == 10.0
    assert "publicity ended" in e.contributions[-1].reason


def test_changing_one_record_changes_grade_and_explanation():
    facts = [pen("p1", date(2025, 6, 1)), RecordFact("i1", "inspection_result", date(2025, 9, 1), outcome="passed")]
    before = grade_subject(facts, [], "low", AS_OF)
    after = grade_subject([facts[0], replace(facts[1], outcome="problems_found")], [], "low", AS_OF)
    assert (before.grade, before.score) == ("B", 23.0)
    assert (after.grade, after.score) == ("C", 35.0)
    w_before = {c.record_id: c.weight for c in before.contributions}
    w_after = {c.record_id: c.weight for c in after.contributions}
    assert (w_before["i1"], w_after["i1"]) == (-2.0, 10.0)
    assert "inspection_result/problems" in next(c.reason for c in after.contributions if c.record_id == "i1")
    assert before.what_would_change[0] == "score 23 needs <= 15 for A"
    assert after.what_would_change[0] == "score 35 needs <= 30 for B"


def test_serious_dishonesty_list_forces_d():
    m = [ListMembership("serious_dishonesty", date(2025, 1, 1))]
    e = grade_subject([], m, "low", AS_OF)
    assert (e.grade, e.score_grade) == ("D", "A")
    assert any("serious dishonesty list would remove" in s for s in e.what_would_change)


def test_abnormal_list_sets_c_floor_and_says_how_to_lift_it():
    m = [ListMembership("abnormal", date(2025, 7, 1), "annual report not filed")]
    e = grade_subject([], m, "low", AS_OF)
    assert (e.grade, e.score_grade) == ("C", "A")
    assert any("lift the C floor" in s for s in e.what_would_change)
    exited = [replace(m[0], exited_on=date(2025, 11, 1))]
    assert grade_subject([], exited, "low", AS_OF).grade == "A"


def test_red_list_bonus_lowers_score():
    red = [ListMembership("red", date(2025, 1, 1))]
    facts = [pen("p1", date(2025, 6, 1))]
    assert grade_subject(facts, red, "low", AS_OF).score == 15.0
    assert grade_subject(facts, [], "low", AS_OF).score == 25.0


def test_industry_risk_adds_score():
    assert [grade_subject([], [], r, AS_OF).score for r in ("low", "medium", "high")] == [10.0, 15.0, 22.0]


def test_cutoffs():
    facts = [pen("p1", date(2025, 6, 1), "serious"), pen("p2", date(2025, 7, 1), "serious")]
    assert grade_subject(facts, [], "low", AS_OF).grade == "D"  # 80 > 60
    assert grade_subject(facts[:1], [], "low", AS_OF).grade == "C"  # 45


def test_what_would_change_names_record_and_date():
    e = grade_subject([pen("p9", date(2025, 6, 1), "serious")], [], "low", AS_OF)  # 45: C
    text = e.what_would_change
    assert text[0] == "score 45 needs <= 30 for B"
    assert "record p9 (-17.5) weighs less on 2026-06-01: score 27.5" in text
    assert "with no new records the score reaches B on 2026-06-01" in text


def test_rule_set_chosen_by_as_of_date():
    assert rule_set_for(date(2024, 12, 31)).version == "grading-2021.1"
    assert rule_set_for(date(2025, 1, 1)).version == "grading-2025.1"
    with pytest.raises(LookupError):
        rule_set_for(date(2020, 12, 31))
    # same record, two dates: the older rule set keeps full weight for 2 years
    facts = [pen("p", date(2023, 11, 1))]
    old = grade_subject(facts, [], "low", date(2024, 12, 1))
    new = grade_subject(facts, [], "low", date(2025, 1, 2))
    assert (old.rule_set_version, old.score) == ("grading-2021.1", 25.0)
    assert (new.rule_set_version, new.score) == ("grading-2025.1", 17.5)


def test_fast_path_agrees_with_explained_path():
    facts = [pen("p1", date(2024, 3, 1)), pen("p2", date(2025, 6, 1), "serious"),
             RecordFact("i1", "inspection_result", date(2025, 1, 5), outcome="problems_found"),
             RecordFact("h1", "honour", date(2023, 5, 1)), RecordFact("l1", "licence", date(2022, 5, 1))]
    for mem in ([], [ListMembership("abnormal", date(2025, 7, 1))], [ListMembership("red", date(2020, 1, 1))],
                [ListMembership("serious_dishonesty", date(2025, 7, 1))]):
        for day in (date(2024, 6, 1), AS_OF, date(2026, 6, 1), date(2028, 2, 29)):
            e = grade_subject(facts, mem, "medium", day)
            g, s = grade_score_fast(facts, mem, "medium", day)
            assert (e.grade, e.score) == (g, round(s, 2))


def test_leap_day_record_ages_on_28_february():
    facts = [pen("p", date(2024, 2, 29))]
    rs = GRADING_RULE_SETS[0]
    assert grade_score_fast(facts, [], "low", date(2026, 2, 27), rs)[1] == 25.0
    assert grade_score_fast(facts, [], "low", date(2026, 2, 28), rs)[1] == 17.5
