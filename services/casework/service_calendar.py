"""Provisional deadlines recomputed once the missing year's holiday schedule is known.

Until a year's official schedule is loaded, weekends alone count and every deadline reaching
into it is stored as provisional. When the schedule arrives (see `shared.deadline_jobs`), the
same statutory rule that computed each deadline is applied again with the new calendar:
- complaints: the 7-working-day acceptance deadline from the day received;
- cases on the filing clock: 15 working days from the lead (+15 when extended).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.repository import CaseRepository
from services.casework.repository_calendar import CalendarRepository
from services.casework.rules.clocks import filing_deadline
from services.casework.rules.complaints import complaint_acceptance_deadline
from services.casework.service_common import record, touch

BATCH = 500


async def recompute_provisional_deadlines(session: AsyncSession) -> int:
    """Recompute every provisional working-day deadline with the current calendar; the number of
    rows whose due date or provisional flag changed."""
    repo = CalendarRepository(session)
    return await _complaints(repo) + await _filing_clocks(repo, CaseRepository(session))


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
            await record(cases, case, None, "clock_recomputed", details={
                "clock": "filing", "due_before": before.isoformat() if before else None, "due": d.due.isoformat(),
                "provisional": d.provisional, "calendar_version": d.calendar_version})
            changed += 1
        after = rows[-1].id
    return changed
