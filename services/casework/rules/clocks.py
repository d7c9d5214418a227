"""Case clocks: filing, decision (with suspensions and extensions), service, payment.

"Within N days of X": day X is not counted, the N-th day after it is the last day (Civil
Procedure Law rule on periods, also used by ``shared.workdays``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from shared.workdays import Deadline, calendar_deadline, working_deadline

# SAMR Administrative Penalty Procedure Provisions art. 18: decide whether to file within
# 15 working days of finding the lead or receiving the material ...
FILING_DECISION_WORKING_DAYS = 15
# ... extendable once by 15 working days with the head of the authority's approval.
FILING_EXTENSION_WORKING_DAYS = 15

# Administrative Penalty Law (2021) art. 60: decide within 90 days of filing.
DECISION_CALENDAR_DAYS = 90
# SAMR Administrative Penalty Procedure Provisions art. 64: +30 days with the head's approval;
# beyond that only by collective discussion of the authority's heads, which sets the length.
DECISION_EXTENSION_DAYS = 30

# Administrative Penalty Law (2021) art. 61: a decision not handed over on the spot is served
# within 7 days; art. 85: the law's "2, 3, 5, 7 days" are working days excluding holidays.
SERVICE_WORKING_DAYS = 7
# Administrative Penalty Law (2021) art. 67: the fine is paid within 15 days of receipt
# (calendar days: art. 85 turns only the 2, 3, 5 and 7-day periods into working days).
PAYMENT_CALENDAR_DAYS = 15


def filing_deadline(lead_received_on: date, extended: bool = False) -> Deadline:
    """Last day to decide whether to file a case from a lead (15 working days, 30 if extended)."""
    days = FILING_DECISION_WORKING_DAYS + (
        FILING_EXTENSION_WORKING_DAYS if extended else 0
    )
    return working_deadline(lead_received_on, days)


class SuspensionReason(StrEnum):
    # SAMR Administrative Penalty Procedure Provisions art. 64: time for suspension, hearing,
    # public notice, testing/inspection/quarantine, appraisal, right-holder identification and
    # ordering refunds of overcharges does not count towards the case-handling period.
    CASE_SUSPENDED = "case_suspended"
    HEARING = "hearing"
    PUBLIC_NOTICE = "public_notice"
    TESTING = "testing"  # testing, inspection, quarantine
    APPRAISAL = "appraisal"  # appraisal / expert opinion
    RIGHT_HOLDER_IDENTIFICATION = "right_holder_identification"
    REFUND_ORDER = "refund_order"


@dataclass(frozen=True)
class Suspension:
    """Clock stopped from ``start`` (counted as stopped) until ``end`` (clock runs again that
    day). ``end`` None: still suspended."""

    reason: SuspensionReason
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(
                f"suspension ends ({self.end}) before it starts ({self.start})"
            )


@dataclass(frozen=True)
class CollectiveExtension:
    """A further extension set by a recorded collective decision of the authority's heads."""

    decision_ref: str
    days: int

    def __post_init__(self) -> None:
        if not self.decision_ref.strip():
            raise ValueError(
                "a collective extension needs the reference of its recorded decision"
            )
        if self.days <= 0:
            raise ValueError(
                "a collective extension must set a positive number of days"
            )


@dataclass(frozen=True)
class DecisionClock:
    deadline: Deadline
    base_days: int
    extension_days: int
    suspended_days: int
    suspension_open: bool  # due date will move until the open suspension ends


def _merged(intervals: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def decision_clock(
    filed_on: date,
    suspensions: Iterable[Suspension] = (),
    head_extension: bool = False,
    collective_extensions: Iterable[CollectiveExtension] = (),
    as_of: date | None = None,
) -> DecisionClock:
    """Last day for the decision: 90 days from filing, +30 if the head approved, + any
    collectively decided extension, + every day the clock was suspended.

    Overlapping suspensions count once. A suspension starting after the running due date
    no longer stops anything (the case is already late). An open suspension is counted up to
    ``as_of`` and the result is provisional.
    """
    collective = list(collective_extensions)
    if collective and not head_extension:
        raise ValueError(
            "a collective extension comes only after the approved 30-day extension"
        )
    extension = (DECISION_EXTENSION_DAYS if head_extension else 0) + sum(
        c.days for c in collective
    )

    open_ = False
    spans: list[tuple[date, date]] = []
    for s in suspensions:
        end = s.end
        if end is None:
            if as_of is None:
                raise ValueError("an open suspension needs as_of to count it so far")
            open_ = True
            end = max(as_of, s.start)
        spans.append((s.start, end))

    due = filed_on + timedelta(days=DECISION_CALENDAR_DAYS + extension)
    suspended = 0
    for start, end in _merged(spans):
        if start > due:
            break
        length = (end - start).days
        suspended += length
        due += timedelta(days=length)

    total = DECISION_CALENDAR_DAYS + extension + suspended
    deadline = replace(calendar_deadline(filed_on, total), provisional=open_)
    return DecisionClock(deadline, DECISION_CALENDAR_DAYS, extension, suspended, open_)


def decision_deadline(
    filed_on: date,
    suspensions: Iterable[Suspension] = (),
    head_extension: bool = False,
    collective_extensions: Iterable[CollectiveExtension] = (),
    as_of: date | None = None,
) -> Deadline:
    return decision_clock(
        filed_on, suspensions, head_extension, collective_extensions, as_of
    ).deadline


def service_deadline(decided_on: date) -> Deadline:
    """Last day to serve a decision not delivered on the spot (APL arts. 61, 85: 7 working days)."""
    return working_deadline(decided_on, SERVICE_WORKING_DAYS)


def payment_deadline(served_on: date) -> Deadline:
    """Last day to pay the fine (APL art. 67)."""
    return calendar_deadline(served_on, PAYMENT_CALENDAR_DAYS)


ClockStatus = Literal["ok", "due_soon", "overdue"]


def clock_status(due: Deadline | date, today: date, soon_days: int = 3) -> ClockStatus:
    """'overdue' after the last day, 'due_soon' within ``soon_days`` calendar days of it."""
    last = due.due if isinstance(due, Deadline) else due
    if today > last:
        return "overdue"
    if (last - today).days <= soon_days:
        return "due_soon"
    return "ok"
