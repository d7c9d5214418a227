from datetime import date

from services.credit.rules.facts import ListMembership, RecordFact
from services.credit.rules.risk import assess_risk, risk_model_for

AS_OF = date(2025, 12, 1)


def complaint(i, day):
    return RecordFact(f"c{i}", "complaint_upheld", day)


def test_quiet_subject_is_low_without_alert():
    r = assess_risk([], [], "low", AS_OF)
    assert (r.score, r.level, r.alert, r.reasons, r.model_version) == (0.0, "low", False, (), "risk-2025.1")


def test_recent_complaints_count_and_are_capped():
    recent = [complaint(i, date(2025, 11, 1)) for i in range(3)]
    assert assess_risk(recent, [], "low", AS_OF).score == 18.0
    many = [complaint(i, date(2025, 11, 1)) for i in range(9)]
    assert assess_risk(many, [], "low", AS_OF).score == 30.0
    old = [complaint(1, date(2024, 11, 1))]
    assert assess_risk(old, [], "low", AS_OF).score == 0.0


def test_penalties_inspection_failures_and_broken_commitments_add_up_to_an_alert():
    facts = [RecordFact("p1", "penalty", date(2025, 3, 1), severity="serious"),
             RecordFact("i1", "inspection_result", date(2025, 4, 1), outcome="not_found"),
             RecordFact("i2", "inspection_result", date(2025, 4, 2), outcome="passed"),
             RecordFact("b1", "commitment_broken", date(2025, 5, 1))]
    r = assess_risk(facts, [], "low", AS_OF)
    assert r.score == 52.0 and r.level == "high" and r.alert
    joined = " | ".join(r.reasons)
    assert "p1" in joined and "i1" in joined and "b1" in joined and "i2" not in joined
    assert "alert threshold 50" in r.reasons[-1]


def test_lists_and_industry_risk():
    m = [ListMembership("serious_dishonesty", date(2025, 1, 1)),
         ListMembership("abnormal", date(2025, 2, 1), exited_on=date(2025, 6, 1))]
    r = assess_risk([], m, "high", AS_OF)
    assert r.score == 40 + 5 + 20
    assert any("since left" in x for x in r.reasons)


def test_model_chosen_by_date_changes_threshold():
    assert risk_model_for(date(2024, 6, 1)).version == "risk-2021.1"
    facts = [RecordFact("p1", "penalty", date(2024, 3, 1), severity="serious"),
             RecordFact("p2", "penalty", date(2024, 3, 2), severity="serious")]
    old = assess_risk(facts, [], "low", date(2024, 6, 1))
    new = assess_risk(facts, [], "low", date(2025, 2, 1))
    assert (old.model_version, old.alert) == ("risk-2021.1", False)
    assert (new.model_version, new.alert) == ("risk-2025.1", True)
