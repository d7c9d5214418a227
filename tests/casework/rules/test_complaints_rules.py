from datetime import date

import pytest

from services.casework.rules.complaints import (
    complaint_acceptance_deadline,
    tipoff_notification_deadline,
    withhold_reporter_identity,
    work_order_deadline,
)


def test_complaint_accepted_or_refused_within_7_working_days():
    d = complaint_acceptance_deadline(date(2025, 9, 29))  # over National Day 2025
    assert (d.kind, d.days, d.due) == ("working", 7, date(2025, 10, 15))


def test_real_name_reporter_told_within_5_working_days():
    d = tipoff_notification_deadline(date(2025, 9, 30))
    assert (d.days, d.due) == (5, date(2025, 10, 14))
    assert tipoff_notification_deadline(date(2025, 9, 30), real_name=False) is None


def test_12345_work_orders_by_type():
    d, version = work_order_deadline("complaint_or_report", date(2025, 3, 3))
    assert d.days == 15 and version
    assert work_order_deadline("urgent", date(2025, 3, 3))[0].due == date(2025, 3, 4)
    with pytest.raises(KeyError):
        work_order_deadline("gossip", date(2025, 3, 3))


def test_reporter_identity_never_disclosed():
    record = {
        "id": "t1",
        "subject": "91110000600037341L",
        "reporter_name": "Zhang San",
        "reporter_phone": "13800000000",
        "content": "expired food",
    }
    assert withhold_reporter_identity(record) == {
        "id": "t1",
        "subject": "91110000600037341L",
        "content": "expired food",
    }
