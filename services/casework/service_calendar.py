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

from services.casework.models import Decision
from services.casework.repository import CaseRepository
from services.casework.repository_calendar import CalendarRepository
from services.casework.rules.clocks import filing_deadline, service_deadline
from services.casework.rules.complaints import (
    complaint_acceptance_deadline,
    tipoff_notification_deadline,
)
from services.casework.rules.hearing import hearing_request_deadline
from services.casework.rules.publicity import withdrawal_deadline
from services.casework.service_common import record, touch
from shared.workdays import Deadline

BATCH = 500
SERVICE_CLOCK = "service"


async def recompute_provisional_deadlines(session: AsyncSession) -> int:
    """Recompute every provisional working-day deadline with the current calendar; the number of
    deadlines whose due date or provisional flag changed."""
    repo, cases = CalendarRepository(session), CaseRepository(session)
    # Decisions before cases: requests lock a decision before its case, and so do we.
    return (await _complaints(repo) + await _notices(repo) + await _service_dues(repo, cases)
            + await _withdrawals(repo) + await _filing_clocks(repo, cases) + await _hearing_requests(repo, cases))


async def _complaints(repo: CalendarRepository) -> int:
    changed, after = 0, ""
    while rows := await repo.provisional_complaints(after_id=after, limit=BATCH):
        for complaint in rows:
            d = complaint_acceptance_deadline(complaint.received_on)
            if (d.due, d.provisional) != (complaint.acceptance_due, complaint.acceptance_provisional):
                complaint.acceptance_due, complaint.acceptance_provisional = d.due, d.provisional
                changed += 1
        after = rows[-1].id
        await repo.session.flush()
    return changed


async def _notices(repo: CalendarRepository) -> int:
    changed, after = 0, ""
    while rows := await repo.provisional_notices(after_id=after, limit=BATCH):
        for complaint in rows:
            d = tipoff_notification_deadline(complaint.filing_decided_on, complaint.real_name)
            fresh = (d.due, d.provisional) if d else (None, False)
            if fresh != (complaint.notice_due, complaint.notice_due_provisional):
                complaint.notice_due, complaint.notice_due_provisional = fresh
                changed += 1
        after = rows[-1].id
        await repo.session.flush()
    return changed


async def _service_dues(repo: CalendarRepository, cases: CaseRepository) -> int:
    changed, after = 0, ""
    while rows := await repo.provisional_service_dues(after_id=after, limit=BATCH):
        for decision in rows:
            d = service_deadline(decision.decided_on)
            if (d.due, d.provisional) == (decision.service_due, decision.service_due_provisional):
                continue
            before = decision.service_due
            decision.service_due, decision.service_due_provisional = d.due, d.provisional
            await _service_clock_follows(cases, decision, before, d)
            changed += 1
        after = rows[-1].id
        await repo.session.flush()
    return changed


async def _service_clock_follows(cases: CaseRepository, decision: Decision, before: date, d: Deadline) -> None:
    """While the decision is not served, the case's running clock is its service deadline."""
    case = await cases.get(decision.case_id, for_update=True)
    if case is None or case.clock != SERVICE_CLOCK or case.clock_due != before:
        return
    case.clock_due, case.clock_provisional = d.due, d.provisional
    touch(case)
    await record(cases, case, None, "clock_recomputed", details=_moved(SERVICE_CLOCK, before, d, key="clock"))


async def _withdrawals(repo: CalendarRepository) -> int:
    changed, after = 0, ""
    while rows := await repo.provisional_withdrawals(after_id=after, limit=BATCH):
        for decision in rows:
            d = withdrawal_deadline(decision.revoked_on)
            if (d.due, d.provisional) != (decision.withdrawal_due, decision.withdrawal_due_provisional):
                decision.withdrawal_due, decision.withdrawal_due_provisional = d.due, d.provisional
                changed += 1
        after = rows[-1].id
        await repo.session.flush()
    return changed


async def _filing_clocks(repo: CalendarRepository, cases: CaseRepository) -> int:
    changed, after = 0, ""
    while rows := await repo.provisional_filing_clocks(after_id=after, limit=BATCH):
        for case in rows:
            d = filing_deadline(case.received_on, case.filing_extended)
            if (d.due, d.provisional) == (case.clock_due, case.clock_provisional):
                continue
            before = case.clock_due
            # The filing deadline is both the case's filing_due and its running clock.
            case.filing_due, case.clock_due, case.clock_provisional = d.due, d.due, d.provisional
            touch(case)
            await record(cases, case, None, "clock_recomputed", details=_moved("filing", before, d, key="clock"))
            changed += 1
        after = rows[-1].id
    return changed


async def _hearing_requests(repo: CalendarRepository, cases: CaseRepository) -> int:
    changed, after = 0, ""
    while rows := await repo.provisional_hearing_requests(after_id=after, limit=BATCH):
        for case in rows:
            d = hearing_request_deadline(case.rights_notified_on)
            if (d.due, d.provisional) == (case.hearing_request_due, case.hearing_request_due_provisional):
                continue
            before = case.hearing_request_due
            case.hearing_request_due, case.hearing_request_due_provisional = d.due, d.provisional
            touch(case)
            await record(cases, case, None, "deadline_recomputed",
                         details=_moved("hearing_request_due", before, d, key="deadline"))
            changed += 1
        after = rows[-1].id
    return changed


def _moved(name: str, before: date | None, d: Deadline, *, key: str) -> dict[str, Any]:
    return {key: name, "due_before": before.isoformat() if before else None, "due": d.due.isoformat(),
            "provisional": d.provisional, "calendar_version": d.calendar_version}
