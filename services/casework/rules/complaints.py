"""Complaints and tip-offs: answer deadlines and the reporter's confidentiality."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.workdays import Deadline, working_deadline

from .versions import pick_version

# Interim Measures for Handling Complaints and Reports in Market Regulation (SAMR 2019,
# amended 2022) art. 15: decide whether to accept a complaint within 7 working days.
COMPLAINT_ACCEPTANCE_WORKING_DAYS = 7
# Same Measures art. 31: a real-name reporter is told within 5 working days of the decision
# whether or not to file the case.
TIPOFF_NOTIFICATION_WORKING_DAYS = 5


def complaint_acceptance_deadline(received_on: date) -> Deadline:
    return working_deadline(received_on, COMPLAINT_ACCEPTANCE_WORKING_DAYS)


def tipoff_notification_deadline(
    filing_decided_on: date, real_name: bool = True
) -> Deadline | None:
    """Last day to tell a real-name reporter the filing decision; None for anonymous tips."""
    if not real_name:
        return None
    return working_deadline(filing_decided_on, TIPOFF_NOTIFICATION_WORKING_DAYS)


@dataclass(frozen=True)
class WorkOrderDeadlines:
    version: str
    effective: date
    working_days: dict[str, int]


# [page]/[cfg] 12345 hotline work orders: 1/3/5/15 working days by type (type names ours).
WORK_ORDER_DEADLINES: tuple[WorkOrderDeadlines, ...] = (
    WorkOrderDeadlines(
        "12345-2021-01-01",
        date(2021, 1, 1),
        {
            "urgent": 1,
            "consultation": 3,
            "request_for_help": 5,
            "complaint_or_report": 15,
        },
    ),
)


def work_order_deadline(
    order_type: str, received_on: date, version: str | None = None
) -> tuple[Deadline, str]:
    t = pick_version(WORK_ORDER_DEADLINES, received_on, version)
    if order_type not in t.working_days:
        raise KeyError(
            f"unknown 12345 work order type {order_type!r}; known: {sorted(t.working_days)}"
        )
    return working_deadline(received_on, t.working_days[order_type]), t.version


# Same Measures art. 31 and the Administrative Penalty Law's duty of confidentiality: the
# reporter's identity and contact details are never disclosed.
REPORTER_FIELDS = frozenset(
    {
        "reporter_name",
        "reporter_id_number",
        "reporter_phone",
        "reporter_address",
        "reporter_email",
        "reporter_id",
    }
)


def withhold_reporter_identity(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a tip-off record fit to show outside the case team."""
    return {k: v for k, v in record.items() if k not in REPORTER_FIELDS}
