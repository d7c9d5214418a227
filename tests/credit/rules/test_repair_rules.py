from datetime import date

from services.credit.rules.facts import ListMembership, RecordFact
from services.credit.rules.objections import negative_info_expired, objection_deadlines
from services.credit.rules.publicity import NATIONAL
from services.credit.rules.repair import (
    repair_decision_deadline,
    repair_eligibility,
    repair_removal_deadline,
)

D = date(2025, 5, 10)


def pen(kind="fine", severity="general"):
    return RecordFact("p", "penalty", D, severity=severity, penalty_kind=kind, amount=50_000)


def test_repair_after_minimum_period_with_obligations_performed():
    ok, why = repair_eligibility(pen(), [], True, date(2025, 8, 10))
    assert ok and "creditchina-2023.05" in why[0]
    ok, why = repair_eligibility(pen(), [], True, date(2025, 8, 9))
    assert not ok and "2025-08-10" in why[0]


def test_repair_minimum_depends_on_severity_and_platform():
    assert not repair_eligibility(pen(severity="serious"), [], True, date(2026, 5, 9))[0]
    assert repair_eligibility(pen(severity="serious"), [], True, date(2026, 5, 10))[0]
    assert not repair_eligibility(pen(), [], True, date(2026, 5, 9), platform=NATIONAL)[0]
    assert repair_eligibility(pen(), [], True, date(2026, 5, 10), platform=NATIONAL)[0]


def test_never_early_for_heaviest_penalty_kinds():
    for kind in ("suspension", "licence_revocation", "business_restriction", "employment_restriction"):
        ok, why = repair_eligibility(pen(kind), [], True, date(2026, 1, 1))
        assert not ok and "never repaired early" in why[0]


def test_repair_needs_obligations_harm_removed_no_repeat_and_no_list():
    as_of = date(2026, 1, 1)
    assert not repair_eligibility(pen(), [], False, as_of)[0]
    assert not repair_eligibility(pen(), [], True, as_of, harm_removed=False)[0]
    assert not repair_eligibility(pen(), [], True, as_of, repeat_offence=True)[0]
    listed = [ListMembership("abnormal", date(2025, 9, 1))]
    ok, why = repair_eligibility(pen(), listed, True, as_of)
    assert not ok and why == ["on the abnormal list"]


def test_no_repair_when_publicity_already_ended():
    ok, why = repair_eligibility(pen(), [], True, date(2026, 6, 1))
    assert not ok and "already ended" in why[0]


def test_repair_decision_within_10_and_removal_within_3_working_days():
    d = repair_decision_deadline(date(2025, 3, 3))  # Monday
    assert (d.due, d.days, d.kind) == (date(2025, 3, 17), 10, "working")
    assert repair_removal_deadline(date(2025, 3, 3)).due == date(2025, 3, 6)
    # National Day 2025: 1-8 October off, Saturday 11 October worked
    assert repair_decision_deadline(date(2025, 9, 30)).due == date(2025, 10, 21)


def test_objection_flag_in_1_and_decision_in_5_working_days():
    o = objection_deadlines(date(2025, 3, 7))  # Friday
    assert (o.flag.due, o.decide.due) == (date(2025, 3, 10), date(2025, 3, 14))


def test_negative_information_not_provided_after_5_years():
    assert not negative_info_expired(date(2020, 6, 1), date(2025, 5, 31))
    assert negative_info_expired(date(2020, 6, 1), date(2025, 6, 1))
