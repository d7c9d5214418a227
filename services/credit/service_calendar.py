"""Provisional deadlines recomputed once the missing year's holiday schedule is known.

Until a year's official schedule is loaded, weekends alone count and every deadline reaching
into it is stored as provisional. When the schedule arrives (see `shared.deadline_jobs`), the
same statutory rule that computed each deadline is applied again with the new calendar:
- repair applications: decide within 10 working days of the day received (accepted); once
  approved, remove the record from every site within 3 working days of the decision;
- objections: flag within 1 and decide within 5 working days of the day received.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.repository_calendar import CalendarRepository
from services.credit.rules.objections import objection_deadlines
from services.credit.rules.repair import (
    repair_decision_deadline,
    repair_removal_deadline,
)

BATCH = 500


async def recompute_provisional_deadlines(session: AsyncSession) -> int:
    """Recompute every provisional working-day deadline with the current calendar; the number of
    rows whose due dates or provisional flag changed."""
    repo = CalendarRepository(session)
    return await _repairs(repo) + await _removals(repo) + await _objections(repo)


async def _repairs(repo: CalendarRepository) -> int:
    changed, after = 0, ""
    while rows := await repo.provisional_repairs(after_id=after, limit=BATCH):
        for a in rows:
            d = repair_decision_deadline(a.received_on)
            if (d.due, d.provisional) != (a.decision_due, a.decision_due_provisional):
                a.decision_due, a.decision_due_provisional = d.due, d.provisional
                changed += 1
        after = rows[-1].id
        await repo.session.flush()
    return changed


async def _removals(repo: CalendarRepository) -> int:
    changed, after = 0, ""
    while rows := await repo.provisional_removals(after_id=after, limit=BATCH):
        for a in rows:
            d = repair_removal_deadline(a.decided_on)
            if (d.due, d.provisional) != (a.removal_due, a.removal_due_provisional):
                a.removal_due, a.removal_due_provisional = d.due, d.provisional
                changed += 1
        after = rows[-1].id
        await repo.session.flush()
    return changed


async def _objections(repo: CalendarRepository) -> int:
    changed, after = 0, ""
    while rows := await repo.provisional_objections(after_id=after, limit=BATCH):
        for o in rows:
            d = objection_deadlines(o.received_on)
            fresh = (d.flag.due, d.decide.due, d.flag.provisional or d.decide.provisional)
            if fresh != (o.flag_due, o.decide_due, o.deadlines_provisional):
                o.flag_due, o.decide_due, o.deadlines_provisional = fresh
                changed += 1
        after = rows[-1].id
        await repo.session.flush()
    return changed
