"""Statutory clocks over the API: overdue / due-soon lists, suspensions, extensions, flags."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.casework.cases.service import today
from services.casework.rules.clocks import filing_deadline
from services.casework.steps.service import flag_clocks
from tests.auth_support import service_client
from tests.casework.support import (
    USCC_B,
    USCC_C,
    Callers,
    as_date,
    days_ago,
    investigating,
    lead,
    ok,
    problem,
    step,
)
from tests.support import wait_for

pytestmark = pytest.mark.anyio


def received_for_due_in(days: int) -> str:
    """A lead date whose 15-working-day filing deadline falls `days` calendar days from today."""
    d = today()
    while filing_deadline(d).due > today() + timedelta(days=days):
        d -= timedelta(days=1)
    return d.isoformat()


async def _ids(c, who, clock: str) -> set[str]:
    return {x["id"] for x in ok(await c.get("/cases", params={"clock": clock}, headers=who.officer))["items"]}


async def test_overdue_and_due_soon_lists_follow_the_filing_clock(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        fresh = await lead(c, who)
        late = await lead(c, who, received_on=days_ago(40))
        close = await lead(c, who, received_on=received_for_due_in(2))
        assert late["clock"]["status"] == "overdue" and fresh["clock"]["status"] == "ok"
        assert await _ids(c, who, "overdue") == {late["id"]}
        assert await _ids(c, who, "due_soon") == {close["id"]}
        # Extended once (+15 working days) with approval: no longer overdue; a second time is refused.
        extended = await step(c, who, late["id"], "extend_filing")
        assert as_date(extended["filing_due"]) > as_date(late["filing_due"]) and extended["filing_extended"]
        problem(await c.post(f"/cases/{late['id']}/extend_filing", json={}, headers=who.officer), 409)
        problem(await c.get("/cases", params={"clock": "late"}, headers=who.officer), 422)
        problem(await c.get("/cases", params={"cursor": "!!"}, headers=who.officer), 422)


async def test_suspension_stops_the_decision_clock_and_extensions_need_their_approvals(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who, back=105)  # filed 100 days ago: 90 days are over
        cid = case["id"]
        assert case["clock"]["name"] == "decision" and case["clock"]["status"] == "overdue"
        assert as_date(case["clock"]["due"]) == today() - timedelta(days=10)
        stopped = await step(c, who, cid, "suspend", {"reason": "testing", "start": days_ago(50)})
        assert stopped["clock"]["status"] == "stopped" and cid not in await _ids(c, who, "overdue")
        problem(await c.post(f"/cases/{cid}/suspend", json={"reason": "appraisal"}, headers=who.officer), 409)
        resumed = await step(c, who, cid, "resume_clock", {"end": days_ago(20)})
        # 30 suspended days move the last day by 30.
        assert as_date(resumed["clock"]["due"]) == today() + timedelta(days=20)

        other = await investigating(c, who, uscc=USCC_B, back=105)
        oid = other["id"]
        body = problem(await c.post(f"/cases/{oid}/extend_decision",
                                    json={"kind": "collective", "decision_ref": "CD-1", "days": 10},
                                    headers=who.officer), 409)
        assert "head" in body["detail"]
        head = await step(c, who, oid, "extend_decision", {"kind": "head"})
        assert as_date(head["clock"]["due"]) == today() + timedelta(days=20) and head["clock"]["status"] == "ok"
        problem(await c.post(f"/cases/{oid}/extend_decision", json={"kind": "head"}, headers=who.officer), 409)
        body = problem(await c.post(f"/cases/{oid}/extend_decision", json={"kind": "collective", "days": 10},
                                    headers=who.officer), 422)
        assert body["errors"][0]["field"] == "body.decision_ref"
        more = await step(c, who, oid, "extend_decision", {"kind": "collective", "decision_ref": "集体〔2026〕1号",
                                                           "days": 15})
        assert as_date(more["clock"]["due"]) == today() + timedelta(days=35)
        problem(await c.post(f"/cases/{oid}/suspend", json={"reason": "nap"}, headers=who.officer), 422)


async def test_background_job_flags_each_clock_change_once(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority, clock_scan_seconds=0.05) as c:
        late = await lead(c, who, uscc=USCC_C, received_on=days_ago(40))

        async def flags(case_id: str) -> list[dict]:
            hist = ok(await c.get(f"/cases/{case_id}/history", headers=who.officer))["items"]
            return [h for h in hist if h["action"] == "clock_flagged"]

        got = await wait_for(lambda: flags(late["id"]), what="an overdue flag")
        assert got[0]["details"]["status"] == "overdue" and got[0]["actor_kind"] == "system"
        # Many scans later, still one flag for the unchanged status.
        ok_case = await lead(c, who, received_on=received_for_due_in(10))
        db = c.app.state.db
        for _ in range(3):
            async with db.sessionmaker() as s:
                await flag_clocks(s, as_of=today(), soon_days=3)
                await s.commit()
        assert len(await flags(late["id"])) == 1 and await flags(ok_case["id"]) == []
        # The same clock becoming due soon, then overdue: one flag for each change.
        due = as_date(ok_case["clock"]["due"])
        for as_of in (due - timedelta(days=2), due - timedelta(days=1), due + timedelta(days=1)):
            async with db.sessionmaker() as s:
                await flag_clocks(s, as_of=as_of, soon_days=3)
                await s.commit()
        assert [f["details"]["status"] for f in await flags(ok_case["id"])] == ["due_soon", "overdue"]
