from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.casework.rules.clocks import (
    CollectiveExtension,
    Suspension,
    SuspensionReason,
    clock_status,
    decision_clock,
    decision_deadline,
    filing_deadline,
    payment_deadline,
    service_deadline,
)
from services.casework.rules.fees import late_fee
from shared.workdays import add_working_days

R = SuspensionReason


def test_filing_within_15_working_days_of_lead_30_if_extended():
    lead = date(2025, 9, 26)  # National Day holiday and a working Saturday fall inside
    d = filing_deadline(lead)
    assert (d.kind, d.days) == ("working", 15)
    assert d.due == date(2025, 10, 23)
    ext = filing_deadline(lead, extended=True)
    assert ext.days == 30 and ext.due == add_working_days(lead, 30)


def test_decision_within_90_calendar_days_of_filing():
    d = decision_deadline(date(2025, 1, 10))
    assert (d.kind, d.days, d.due, d.provisional) == (
        "calendar",
        90,
        date(2025, 4, 10),
        False,
    )


def test_decision_head_extension_adds_30():
    assert decision_deadline(date(2025, 1, 10), head_extension=True).due == date(
        2025, 5, 10
    )


def test_collective_extension_needs_head_extension_first_and_a_record():
    with pytest.raises(ValueError):
        decision_deadline(
            date(2025, 1, 10), collective_extensions=[CollectiveExtension("CD-1", 20)]
        )
    with pytest.raises(ValueError):
        CollectiveExtension("  ", 20)
    d = decision_deadline(
        date(2025, 1, 10),
        head_extension=True,
        collective_extensions=[CollectiveExtension("CD-1", 20)],
    )
    assert d.due == date(2025, 5, 30)


def test_suspensions_stop_the_clock_and_overlaps_count_once():
    filed = date(2025, 1, 10)  # plain due 2025-04-10
    clock = decision_clock(
        filed,
        suspensions=[
            Suspension(R.TESTING, date(2025, 2, 1), date(2025, 2, 11)),  # 10 days
            Suspension(
                R.APPRAISAL, date(2025, 2, 6), date(2025, 2, 16)
            ),  # overlaps: +5
            Suspension(R.HEARING, date(2025, 3, 1), date(2025, 3, 8)),  # 7 days
        ],
    )
    assert clock.suspended_days == 22
    assert clock.deadline.due == date(2025, 4, 10) + timedelta(days=22)
    assert clock.deadline.due == clock.deadline.start + timedelta(
        days=clock.deadline.days
    )


def test_suspension_after_clock_expired_does_not_revive_it():
    filed = date(2025, 1, 10)
    late = Suspension(R.TESTING, date(2025, 4, 20), date(2025, 5, 20))
    assert decision_deadline(filed, [late]).due == date(2025, 4, 10)
    # but one starting on the last day still stops it
    on_time = Suspension(R.TESTING, date(2025, 4, 10), date(2025, 4, 15))
    assert decision_deadline(filed, [on_time]).due == date(2025, 4, 15)


def test_open_suspension_is_counted_to_as_of_and_provisional():
    filed = date(2025, 1, 10)
    s = Suspension(R.CASE_SUSPENDED, date(2025, 3, 1))
    with pytest.raises(ValueError):
        decision_deadline(filed, [s])
    d = decision_deadline(filed, [s], as_of=date(2025, 3, 11))
    assert d.provisional is True
    assert d.due == date(2025, 4, 20)


def test_service_within_7_working_days_and_payment_within_15_calendar_days():
    # APL art. 85: the 7 days of art. 61 are working days (Sat 1 March: 3..7, 10, 11 March).
    d = service_deadline(date(2025, 3, 1))
    assert (d.kind, d.due) == ("working", date(2025, 3, 11))
    # National Day 2025 (1-8 Oct off; Sat 11 Oct worked): 9, 10, 11, 13..16 Oct.
    assert service_deadline(date(2025, 9, 30)).due == date(2025, 10, 16)
    p = payment_deadline(date(2025, 3, 1))
    assert (p.kind, p.due) == ("calendar", date(2025, 3, 16))


def test_clock_status():
    due = date(2025, 3, 10)
    assert clock_status(due, date(2025, 3, 1), soon_days=3) == "ok"
    assert clock_status(due, date(2025, 3, 7), soon_days=3) == "due_soon"
    assert clock_status(due, date(2025, 3, 10), soon_days=3) == "due_soon"
    assert clock_status(due, date(2025, 3, 11), soon_days=3) == "overdue"
    assert (
        clock_status(service_deadline(date(2025, 3, 3)), date(2025, 3, 13)) == "overdue"
    )


def test_late_fee_is_3_percent_a_day():
    fee = late_fee(Decimal(10000), date(2025, 3, 16), date(2025, 3, 26))
    assert (fee.days_late, fee.amount, fee.capped) == (10, Decimal("3000.00"), False)
    assert late_fee(Decimal(10000), date(2025, 3, 16), date(2025, 3, 16)).amount == 0


def test_late_fee_is_capped_at_the_fine():
    fee = late_fee(
        Decimal(10000), date(2025, 3, 16), date(2025, 4, 20)
    )  # 35 days -> 105%
    assert fee.amount == Decimal(10000) and fee.capped is True
    assert (
        late_fee(Decimal(10000), date(2025, 3, 16), date(2025, 4, 18)).capped is False
    )  # 99%
