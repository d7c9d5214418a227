"""Deadlines counted while 2027's holiday schedule was unknown are provisional, and are recomputed
with the same rule once the schedule arrives: complaints' acceptance deadline and the filing clock."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from services.casework.calendar.service import recompute_provisional_deadlines
from services.casework.models import Case, Complaint
from services.casework.rules.clocks import filing_deadline
from services.casework.rules.complaints import complaint_acceptance_deadline
from tests.auth_support import service_client
from tests.calendar_support import schedule  # noqa: F401 - fixture
from tests.casework.support import Callers, lead, ok
from tests.support import wait_for

pytestmark = pytest.mark.anyio

RECEIVED = date(2026, 12, 28)  # a Monday: 7 and 15 working days later fall in 2027
TIP = {"service_code": "food-safety", "description": "Expired milk on sale", "address_string": "南京东路100号",
       "request_kind": "tip_off"}


async def _received_on_28_december(app, complaint_id: str, case_id: str) -> None:
    """Date the complaint and the lead 28 December 2026, with the deadlines intake counts for that day."""
    async with app.state.db.sessionmaker() as session:
        complaint = await session.get(Complaint, complaint_id)
        d = complaint_acceptance_deadline(RECEIVED)
        complaint.received_on, complaint.acceptance_due, complaint.acceptance_provisional = RECEIVED, d.due, d.provisional
        case = await session.get(Case, case_id)
        f = filing_deadline(RECEIVED)
        case.received_on, case.filing_due, case.clock_due, case.clock_provisional = RECEIVED, f.due, f.due, f.provisional
        await session.commit()


async def _complaint(app, complaint_id: str) -> Complaint:
    async with app.state.db.sessionmaker() as session:
        return (await session.execute(select(Complaint).where(Complaint.id == complaint_id))).scalar_one()


async def test_provisional_deadlines_are_recomputed_when_2027_arrives(databases, authority, schedule):  # noqa: F811
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        [made] = ok(await c.post("/complaints", json=TIP), 201)
        case = await lead(c, who)
        on_decision_clock = await lead(c, who, uscc="91310101MA1FP0002P")
        await _received_on_28_december(c.app, made["service_request_id"], case["id"])
        async with c.app.state.db.sessionmaker() as session:  # an open suspension: calendar days, not ours
            other = await session.get(Case, on_decision_clock["id"])
            other.clock, other.clock_due, other.clock_provisional = "decision", date(2027, 3, 28), True
            await session.commit()

        # Weekends alone: 29-31 Dec, Fri 1 Jan, 4-6 Jan; the filing clock runs to 18 January.
        complaint = await _complaint(c.app, made["service_request_id"])
        assert (complaint.acceptance_due, complaint.acceptance_provisional) == (date(2027, 1, 6), True)
        clock = ok(await c.get(f"/cases/{case['id']}", headers=who.officer))["clock"]
        assert (clock["name"], clock["due"], clock["provisional"]) == ("filing", "2027-01-18", True)

        schedule.publish_2027()  # New Year off 1-5 January 2027
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 2
            await session.commit()

        complaint = await _complaint(c.app, made["service_request_id"])
        assert (complaint.acceptance_due, complaint.acceptance_provisional) == (date(2027, 1, 11), False)
        got = ok(await c.get(f"/cases/{case['id']}", headers=who.officer))
        assert got["clock"] == {"name": "filing", "due": "2027-01-21", "provisional": False, "status": "ok"}
        assert got["filing_due"] == "2027-01-21" and got["revision"] == case["revision"] + 1
        history = ok(await c.get(f"/cases/{case['id']}/history", headers=who.officer))["items"]
        recomputed = [h for h in history if h["action"] == "clock_recomputed"]
        assert len(recomputed) == 1
        assert recomputed[0]["details"] | {"calendar_version": None} == {
            "clock": "filing", "due_before": "2027-01-18", "due": "2027-01-21", "provisional": False,
            "calendar_version": None}
        untouched = ok(await c.get(f"/cases/{on_decision_clock['id']}", headers=who.officer))["clock"]
        assert (untouched["due"], untouched["provisional"]) == ("2027-03-28", True)
        async with c.app.state.db.sessionmaker() as session:  # settled now: nothing more to do
            assert await recompute_provisional_deadlines(session) == 0


async def test_the_running_service_notices_the_new_schedule_by_itself(databases, authority, schedule):  # noqa: F811
    who = Callers(authority)
    async with service_client("casework", databases, authority, calendar_check_seconds=0.05) as c:
        [made] = ok(await c.post("/complaints", json=TIP), 201)
        case = await lead(c, who)
        await _received_on_28_december(c.app, made["service_request_id"], case["id"])
        assert (await _complaint(c.app, made["service_request_id"])).acceptance_provisional

        schedule.publish_2027(reload=False)  # nobody but the service's own job looks at the file

        async def settled():
            return not (await _complaint(c.app, made["service_request_id"])).acceptance_provisional
        await wait_for(settled, what="the job to recompute the complaint's deadline")
        assert (await _complaint(c.app, made["service_request_id"])).acceptance_due == date(2027, 1, 11)
        clock = ok(await c.get(f"/cases/{case['id']}", headers=who.officer))["clock"]
        assert (clock["due"], clock["provisional"]) == ("2027-01-21", False)
