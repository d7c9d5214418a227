"""Statutory clocks: the overdue / due-soon lists, the flags sent on the bus, suspensions and extensions."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.models import Case, CaseExtension, CaseSuspension
from services.casework.repository import CaseRepository
from services.casework.rules.clocks import clock_status
from services.casework.service_cases import for_officer
from services.casework.service_common import (
    DECISION_CLOCK_STATES,
    action_date,
    clock_window,
    readable_department_filter,
    record,
    refresh_clock,
    require_state,
    today,
    touch,
)
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.contracts.casework import ClockFlagged
from shared.errors import Conflict, Unprocessable
from shared.ids import new_id


def status_of(case: Case, as_of: date, soon_days: int) -> str:
    if case.clock is None:
        return "none"
    if case.clock_due is None:
        return "stopped"
    return clock_status(case.clock_due, as_of, soon_days)


async def list_cases(session: AsyncSession, principal: Principal, *, clock: Literal["overdue", "due_soon"] | None,
                     state: str | None, after_id: str | None, limit: int, soon_days: int) -> list[Case]:
    department = readable_department_filter(principal)
    before = after = None
    if clock is not None:
        before, after = clock_window(clock, soon_days, today())
    return await CaseRepository(session).list(department=department, state=state, due_on_or_before=before,
                                              due_after=after, after_id=after_id, limit=limit)


async def flag_clocks(session: AsyncSession, *, as_of: date, soon_days: int, batch: int = 500) -> int:
    """Send sup.casework.clock.flagged once for each change of a case clock to due_soon or overdue."""
    repo = CaseRepository(session)
    horizon = date.fromordinal(as_of.toordinal() + soon_days)
    flagged = 0
    after: str | None = None
    while True:
        cases = await repo.clocks_to_check(horizon, after, batch)
        if not cases:
            return flagged
        for case in cases:
            status = clock_status(case.clock_due, as_of, soon_days)
            flag = f"{case.clock}|{case.clock_due.isoformat()}|{status}"
            if status == "ok" or case.clock_flag == flag:
                continue
            case.clock_flag = flag
            await record(repo, case, None, "clock_flagged", details={"clock": case.clock, "status": status,
                                                                      "due_on": case.clock_due.isoformat()})
            await add_event(session, ClockFlagged(case_id=case.id, department=case.department, clock=case.clock,
                                                  due_on=case.clock_due, status=status), subject=case.id)
            flagged += 1
        after = cases[-1].id


# ---------------------------------------------------------------------------- clock steps of a case


async def suspend(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    require_state(case, DECISION_CLOCK_STATES, "suspend")
    if await repo.open_suspension(case.id) is not None:
        raise Conflict("the clock is already suspended; resume it first", current_state=case.state)
    start = action_date(data.start, "body.start", not_before=case.filed_on)
    await repo.add(CaseSuspension(id=new_id(), case_id=case.id, reason=data.reason.value, start=start, end=None,
                                  note=data.note))
    touch(case)
    await record(repo, case, principal, "clock_suspended", details={"reason": data.reason.value,
                                                                     "start": start.isoformat(), "note": data.note})
    await refresh_clock(repo, case)
    return case


async def resume_clock(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    open_ = await repo.open_suspension(case.id)
    if open_ is None:
        raise Conflict("the clock is not suspended", current_state=case.state)
    open_.end = action_date(data.end, "body.end", not_before=open_.start)
    touch(case)
    await record(repo, case, principal, "clock_resumed", details={"reason": open_.reason, "end": open_.end.isoformat(),
                                                                   "note": data.note})
    await refresh_clock(repo, case)
    return case


async def extend_decision(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    """SAMR Procedure Provisions art. 64: +30 days by the head; more only by recorded collective decision."""
    repo, case = await for_officer(session, principal, case_id)
    require_state(case, DECISION_CLOCK_STATES, "extend_decision")
    on = action_date(data.decided_on, "body.decided_on", not_before=case.filed_on)
    if data.kind == "head":
        if case.head_extension:
            raise Conflict("the head's 30-day extension was already given; further time needs a collective decision")
        case.head_extension = True
        details: dict[str, Any] = {"kind": "head", "days": 30}
    else:
        if not case.head_extension:
            raise Conflict("a collective extension comes only after the head's 30-day extension")
        if not data.decision_ref or not data.days:
            field = "body.decision_ref" if not data.decision_ref else "body.days"
            raise Unprocessable.field(field, "required", "a collective extension needs the recorded decision and days")
        await repo.add(CaseExtension(id=new_id(), case_id=case.id, decision_ref=data.decision_ref, days=data.days,
                                     decided_on=on))
        details = {"kind": "collective", "decision_ref": data.decision_ref, "days": data.days}
    touch(case)
    await record(repo, case, principal, "decision_period_extended", details=details)
    await refresh_clock(repo, case)
    return case
