"""Provisional deadlines recomputed once the missing year's holiday schedule is known.

Until a year's official schedule is loaded, weekends alone count and every deadline reaching
into it is stored as provisional. When the schedule arrives (see `shared.deadline_jobs`), the
same rule that computed it is applied again with the new calendar: a result is published
within 20 working days of the inspection (`rules.results.publication_deadline`), and the
calendar version used is recorded with it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.calendar.repository import CalendarRepository
from services.inspection.models import Result
from services.inspection.rules.results import publication_deadline
from shared.deadline_jobs import recompute_in_batches


async def recompute_provisional_deadlines(session: AsyncSession) -> int:
    """Recompute every provisional publication deadline with the current calendar; the number of
    results whose due date or provisional flag changed."""
    return await recompute_in_batches(session, CalendarRepository(session).provisional_results, _publication)


async def _publication(result: Result) -> bool:
    d = publication_deadline(result.inspected_on)
    # Even an unchanged date is now counted with this calendar: say which one.
    result.calendar_version = d.calendar_version
    if (d.due, d.provisional) == (result.publication_due, result.publication_due_provisional):
        return False
    result.publication_due, result.publication_due_provisional = d.due, d.provisional
    return True
