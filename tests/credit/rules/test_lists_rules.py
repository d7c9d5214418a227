from datetime import date

import pytest

from services.credit.rules.facts import ListMembership, RecordFact
from services.credit.rules.lists import (
    ABNORMAL_ENTRY_GROUNDS,
    abnormal_escalation_due,
    abnormal_exit_allowed,
    annual_report_overdue,
    annual_report_window,
    red_list_eligible,
    serious_dishonesty_entry_grounds,
    serious_dishonesty_exit,
)


def test_annual_report_window_is_1_january_to_30_june():
    assert annual_report_window(2024) == (date(2025, 1, 1), date(2025, 6, 30))
    assert not annual_report_overdue(2024, None, date(2025, 6, 30))
    assert annual_report_overdue(2024, None, date(2025, 7, 1))
    assert not annual_report_overdue(2024, date(2025, 6, 30), date(2025, 12, 1))
    assert annual_report_overdue(2024, date(2025, 7, 2), date(2025, 12, 1))


def test_abnormal_grounds_and_exit_when_corrected():
    assert set(ABNORMAL_ENTRY_GROUNDS) == {"annual_report_not_filed", "instant_info_not_published",
                                           "false_information", "unreachable_at_address"}
    assert abnormal_exit_allowed("unreachable_at_address", corrected=True)[0]
    assert not abnormal_exit_allowed("annual_report_not_filed", corrected=False)[0]
    with pytest.raises(KeyError):
        abnormal_exit_allowed("bad_mood", corrected=True)


def test_abnormal_escalates_after_three_years_uncorrected():
    assert not abnormal_escalation_due(date(2022, 7, 1), date(2025, 6, 30))
    assert abnormal_escalation_due(date(2022, 7, 1), date(2025, 7, 1))
    assert not abnormal_escalation_due(date(2022, 7, 1), date(2025, 7, 1), exited_on=date(2024, 1, 1))


def test_serious_dishonesty_entry_needs_a_statutory_ground():
    grounds = serious_dishonesty_entry_grounds(["lifelong_industry_ban", "escalated_from_abnormal"])
    assert [g.code for g in grounds] == ["lifelong_industry_ban", "escalated_from_abnormal"]
    assert all(g.basis for g in grounds)
    with pytest.raises(ValueError):
        serious_dishonesty_entry_grounds(["late_lunch"])


def test_serious_dishonesty_exit_early_after_one_year_or_automatic_after_three():
    entered = date(2024, 3, 1)
    assert not serious_dishonesty_exit(entered, date(2025, 2, 28), True)[0]
    assert serious_dishonesty_exit(entered, date(2025, 3, 1), True)[0]
    ok, why = serious_dishonesty_exit(entered, date(2025, 3, 1), False, new_violation=True)
    assert not ok and len(why) == 2
    assert serious_dishonesty_exit(entered, date(2027, 3, 1), False)[0]


def test_red_list_criteria():
    as_of = date(2025, 12, 1)
    good = [RecordFact("h1", "honour", date(2024, 1, 1))]
    assert red_list_eligible(good, [], as_of)[0]
    assert not red_list_eligible([], [], as_of)[0]  # nothing good on record
    bad = good + [RecordFact("p1", "penalty", date(2023, 6, 1), severity="minor", penalty_kind="fine")]
    ok, why, version = red_list_eligible(bad, [], as_of)
    assert not ok and "p1" in why[0] and version == "red-2021.1"
    warned = good + [RecordFact("w1", "penalty", date(2025, 6, 1), penalty_kind="warning")]
    assert red_list_eligible(warned, [], as_of)[0]
    assert not red_list_eligible(good, [ListMembership("abnormal", date(2025, 1, 1))], as_of)[0]
