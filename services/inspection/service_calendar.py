"""Provisional deadlines recomputed once the missing year's holiday schedule is known.

Until a year's official schedule is loaded, weekends alone count and every deadline reaching
into it is stored as provisional. When the schedule arrives (see `shared.deadline_jobs`), the
same rule that computed it is applied again with the new calendar: a result is published
within 20 working days of the inspection (`rules.results.publication_deadline`), and the
calendar version used is recorded with it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.repository_calendar import CalendarRepository
from services.inspection.rules.results import publication_deadline

BATCH = 500


async def recompute_provisional_deadlines(session: AsyncSession) -> int:
    """Recompute every provisional publication deadline with the current calendar; the number of
    results whose due date or provisional flag changed."""
    repo = CalendarRepository(session)
    changed, after = 0, ""
    while rows := await repo.provisional_results(after_id=after, limit=BATCH):
        for result in rows:
            d = publication_deadline(result.inspected_on)
            if (d.due, d.provisional) != (result.publication_due, result.publication_due_provisional):
                result.publication_due, result.publication_due_provisional = d.due, d.provisional
                changed += 1
            # Even an unchanged date is now counted with this calendar: say which one.
            result.calendar_version = d.calendar_version
        after = rows[-1].id
        await session.flush()
    return changed
