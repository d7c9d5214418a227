from datetime import date

import pytest

from services.disclosure.rules.publicity import (
    PENALTY_WINDOW_RULES,
    WINDOW_RULES,
    Channel,
    NotPublishable,
    RecordType,
    add_months,
    is_late,
    is_visible,
    publication_due,
    publication_rule,
    publicity_window,
    withdrawal_due,
)

DECIDED = date(2024, 3, 15)
PENALTY_VERSION = PENALTY_WINDOW_RULES[-1].version


def window(facts, record_type=RecordType.PENALTY_DECISION, **kw):
    return publicity_window(record_type, facts, DECIDED, **kw)


def test_warning_only_penalty_is_not_published():
    with pytest.raises(NotPublishable):
        window({"penalty_kinds": ["warning"]})


def test_circulated_criticism_is_public_for_three_months():
    assert window({"penalty_kinds": ["circulated_criticism"]}) == (
        DECIDED,
        date(2024, 6, 15),
        PENALTY_VERSION,
    )


def test_small_fine_is_public_for_three_months_with_warning_ignored():
    facts = {
        "penalty_kinds": ["warning", "fine"],
        "fine_amount": 3000,
        "party_type": "enterprise",
    }
    assert window(facts)[1] == date(2024, 6, 15)


def test_fine_above_the_small_threshold_is_public_for_three_years():
    facts = {
        "penalty_kinds": ["fine"],
        "fine_amount": "3000.01",
        "party_type": "enterprise",
    }
    assert window(facts)[1] == date(2027, 3, 15)


def test_small_fine_threshold_for_persons_is_lower():
    facts = {
        "penalty_kinds": ["fine"],
        "fine_amount": 500,
        "party_type": "natural_person",
    }
    assert window(facts)[1] == date(2027, 3, 15)
    assert window({**facts, "fine_amount": 200})[1] == date(2024, 6, 15)


def test_heavier_penalty_kinds_get_three_years():
    assert window({"penalty_kinds": ["fine", "confiscation_of_illegal_gains"], "fine_amount": 100})[
        1
    ] == date(2027, 3, 15)


def test_restriction_longer_than_three_years_is_public_for_its_length():
    facts = {
        "penalty_kinds": ["business_restriction"],
        "restriction_end": date(2029, 3, 15),
    }
    assert window(facts)[1] == date(2029, 3, 15)
    shorter = {
        "penalty_kinds": ["business_restriction"],
        "restriction_end": date(2025, 3, 15),
    }
    assert window(shorter)[1] == date(2027, 3, 15)


def test_window_starts_at_publication_when_given():
    start, end, _ = window(
        {"penalty_kinds": ["circulated_criticism"]}, published_on=date(2024, 3, 31)
    )
    assert (start, end) == (date(2024, 3, 31), date(2024, 6, 30))


def test_month_arithmetic_clamps_to_month_end():
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)


def test_other_record_types_use_the_configured_table():
    version = WINDOW_RULES[-1].version
    assert window({}, RecordType.INSPECTION_RESULT) == (
        DECIDED,
        date(2027, 3, 15),
        version,
    )
    assert window({}, RecordType.LIST_ENTRY) == (DECIDED, None, version)
    assert window({"valid_until": date(2029, 1, 1)}, RecordType.LICENCE)[1] == date(
        2029, 1, 1
    )
    assert window({}, RecordType.LICENCE)[1] is None


def test_no_rule_before_the_first_version():
    with pytest.raises(LookupError):
        publicity_window(
            RecordType.PENALTY_DECISION, {"penalty_kinds": ["fine"]}, date(2020, 1, 1)
        )


# 2024 National Day: 1-7 Oct off, Sun 29 Sep and Sat 12 Oct worked.
def test_penalty_published_within_20_working_days_across_national_day():
    due = publication_due(RecordType.PENALTY_DECISION, date(2024, 9, 27))
    assert (due.due, due.days, due.kind) == (date(2024, 10, 30), 20, "working")


def test_double_publicity_on_credit_sites_within_7_working_days():
    due = publication_due(
        "penalty_decision", date(2024, 9, 27), channel=Channel.CREDIT_SITE
    )
    assert due.due == date(2024, 10, 12)
    assert (
        publication_due("licence", date(2024, 9, 27), channel="credit_site").days == 7
    )


def test_inspection_results_published_within_20_working_days():
    assert publication_due(RecordType.INSPECTION_RESULT, date(2024, 9, 27)).due == date(
        2024, 10, 30
    )


def test_publication_rule_carries_its_basis_and_version():
    rule, version = publication_rule("inspection_plan", date(2024, 1, 2))
    assert rule.basis == "[cfg]" and version == "publication-due-2021.09"
    with pytest.raises(LookupError):
        publication_rule("inspection_result", date(2024, 1, 2), Channel.CREDIT_SITE)


def test_withdrawal_within_3_working_days():
    assert withdrawal_due(date(2024, 9, 30), "decision_revoked").due == date(
        2024, 10, 10
    )
    with pytest.raises(ValueError):
        withdrawal_due(date(2024, 9, 30), "because")


def test_is_late_only_after_the_due_day():
    due = withdrawal_due(date(2024, 9, 30))
    assert not is_late(due, date(2024, 10, 10))
    assert is_late(due, date(2024, 10, 11))


def test_visibility_needs_publication_no_withdrawal_and_an_open_window():
    record = {
        "published_on": date(2024, 1, 10),
        "withdrawn_on": None,
        "window_end": date(2024, 4, 10),
    }
    assert not is_visible(record, date(2024, 1, 9))
    assert is_visible(record, date(2024, 1, 10))
    assert is_visible(record, date(2024, 4, 9))
    assert not is_visible(record, date(2024, 4, 10))
    assert not is_visible(
        {**record, "withdrawn_on": date(2024, 2, 1)}, date(2024, 2, 1)
    )
    assert not is_visible({**record, "published_on": None}, date(2024, 2, 1))
    assert is_visible({**record, "window_end": None}, date(2099, 1, 1))
