"""Provisional deadlines recomputed once the missing year's holiday schedule is known.

Until a year's official schedule is loaded, weekends alone count and every deadline reaching
into it is stored as provisional. When the schedule arrives (see `shared.deadline_jobs`), the
same statutory rule that computed each deadline is applied again with the new calendar:
- complaints: the 7-working-day acceptance deadline from the day received;
- tip-offs: the 5-working-day deadline to tell a real-name reporter the filing decision;
- decisions: served within 7 working days of the decision (and the case's service clock with
  it), withdrawn within 3 working days of being revoked or changed;
- cases on the filing clock: 15 working days from the lead (+15 when extended);
- cases told of a hearing right: the 5 working days to request the hearing.
A case's own deadline moving is written to its record; complaints and decisions keep no record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.calendar.repository import CalendarRepository
from services.casework.cases.repository import CaseRepository
from services.casework.cases.service import record, touch
from services.casework.models import Case, Complaint, Decision
from services.casework.rules.clocks import filing_deadline, service_deadline
from services.casework.rules.complaints import (
    complaint_acceptance_deadline,
    tipoff_notification_deadline,
)
from services.casework.rules.hearing import hearing_request_deadline
from services.casework.rules.publicity import withdrawal_deadline
from shared.deadline_jobs import recompute_in_batches
from shared.workdays import Deadline

SERVICE_CLOCK = "service"


async def recompute_provisional_deadlines(session: AsyncSession) -> int:
    """Recompute every provisional working-day deadline with the current calendar; the number of
    deadlines whose due date or provisional flag changed."""
    repo, cases = CalendarRepository(session), CaseRepository(session)

    async def service_due(decision: Decision) -> bool:
        d = service_deadline(decision.decided_on)
        if (d.due, d.provisional) == (decision.service_due, decision.service_due_provisional):
            return False
        before = decision.service_due
        decision.service_due, decision.service_due_provisional = d.due, d.provisional
        await _service_clock_follows(cases, decision, before, d)
        return True

    async def filing_clock(case: Case) -> bool:
        d = filing_deadline(case.received_on, case.filing_extended)
        if (d.due, d.provisional) == (case.clock_due, case.clock_provisional):
            return False
        before = case.clock_due
        # The filing deadline is both the case's filing_due and its running clock.
        case.filing_due, case.clock_due, case.clock_provisional = d.due, d.due, d.provisional
        touch(case)
        await record(cases, case, None, "clock_recomputed", details=_moved("filing", before, d, key="clock"))
        return True

    async def hearing_request(case: Case) -> bool:
        d = hearing_request_deadline(case.rights_notified_on)
        if (d.due, d.provisional) == (case.hearing_request_due, case.hearing_request_due_provisional):
            return False
        before = case.hearing_request_due
        case.hearing_request_due, case.hearing_request_due_provisional = d.due, d.provisional
        touch(case)
        await record(cases, case, None, "deadline_recomputed",
                     details=_moved("hearing_request_due", before, d, key="deadline"))
        return True

    # Decisions before cases: requests lock a decision before its case, and so do we.
    return (await recompute_in_batches(session, repo.provisional_complaints, _acceptance)
            + await recompute_in_batches(session, repo.provisional_notices, _notice)
            + await recompute_in_batches(session, repo.provisional_service_dues, service_due)
            + await recompute_in_batches(session, repo.provisional_withdrawals, _withdrawal)
            + await recompute_in_batches(session, repo.provisional_filing_clocks, filing_clock)
            + await recompute_in_batches(session, repo.provisional_hearing_requests, hearing_request))


async def _acceptance(complaint: Complaint) -> bool:
    d = complaint_acceptance_deadline(complaint.received_on)
    if (d.due, d.provisional) == (complaint.acceptance_due, complaint.acceptance_provisional):
        return False
    complaint.acceptance_due, complaint.acceptance_provisional = d.due, d.provisional
    return True


async def _notice(complaint: Complaint) -> bool:
    d = tipoff_notification_deadline(complaint.filing_decided_on, complaint.real_name)
    fresh = (d.due, d.provisional) if d else (None, False)
    if fresh == (complaint.notice_due, complaint.notice_due_provisional):
        return False
    complaint.notice_due, complaint.notice_due_provisional = fresh
    return True


async def _withdrawal(decision: Decision) -> bool:
    d = withdrawal_deadline(decision.revoked_on)
    if (d.due, d.provisional) == (decision.withdrawal_due, decision.withdrawal_due_provisional):
        return False
    decision.withdrawal_due, decision.withdrawal_due_provisional = d.due, d.provisional
    return True


async def _service_clock_follows(cases: CaseRepository, decision: Decision, before: date, d: Deadline) -> None:
    """While the decision is not served, the case's running clock is its service deadline."""
    case = await cases.get(decision.case_id, for_update=True)
    if case is None or case.clock != SERVICE_CLOCK or case.clock_due != before:
        return
    case.clock_due, case.clock_provisional = d.due, d.provisional
    touch(case)
    await record(cases, case, None, "clock_recomputed", details=_moved(SERVICE_CLOCK, before, d, key="clock"))


def _moved(name: str, before: date | None, d: Deadline, *, key: str) -> dict[str, Any]:
    return {key: name, "due_before": before.isoformat() if before else None, "due": d.due.isoformat(),
            "provisional": d.provisional, "calendar_version": d.calendar_version}
