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

from services.credit.calendar.repository import CalendarRepository
from services.credit.models import Objection, RepairApplication
from services.credit.rules.objections import objection_deadlines
from services.credit.rules.repair import (
    repair_decision_deadline,
    repair_removal_deadline,
)
from shared.deadline_jobs import recompute_in_batches


async def recompute_provisional_deadlines(session: AsyncSession) -> int:
    """Recompute every provisional working-day deadline with the current calendar; the number of
    rows whose due dates or provisional flag changed."""
    repo = CalendarRepository(session)
    return (await recompute_in_batches(session, repo.provisional_repairs, _repair_decision)
            + await recompute_in_batches(session, repo.provisional_removals, _repair_removal)
            + await recompute_in_batches(session, repo.provisional_objections, _objection))


async def _repair_decision(a: RepairApplication) -> bool:
    d = repair_decision_deadline(a.received_on)
    if (d.due, d.provisional) == (a.decision_due, a.decision_due_provisional):
        return False
    a.decision_due, a.decision_due_provisional = d.due, d.provisional
    return True


async def _repair_removal(a: RepairApplication) -> bool:
    d = repair_removal_deadline(a.decided_on)
    if (d.due, d.provisional) == (a.removal_due, a.removal_due_provisional):
        return False
    a.removal_due, a.removal_due_provisional = d.due, d.provisional
    return True


async def _objection(o: Objection) -> bool:
    d = objection_deadlines(o.received_on)
    fresh = (d.flag.due, d.decide.due, d.flag.provisional or d.decide.provisional)
    if fresh == (o.flag_due, o.decide_due, o.deadlines_provisional):
        return False
    o.flag_due, o.decide_due, o.deadlines_provisional = fresh
    return True
