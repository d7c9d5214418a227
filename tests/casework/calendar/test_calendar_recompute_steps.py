"""The deadlines of a case's later steps, counted while 2027's holiday schedule was unknown, are
stored as provisional by the steps that count them and recomputed once the schedule arrives: the
reporter's notice, the hearing request, the decision's service (with the case's service clock) and
the withdrawal of a revoked decision."""

from __future__ import annotations

from datetime import date

import pytest

from services.casework.calendar.service import recompute_provisional_deadlines
from services.casework.cases import service as case_service
from services.casework.complaints import service as complaint_service
from tests.auth_support import service_client
from tests.calendar_support import schedule  # noqa: F401 - fixture
from tests.casework.support import (
    TEAM,
    USCC_A,
    USCC_B,
    USCC_C,
    Callers,
    lead,
    ok,
    penalty,
    step,
)

pytestmark = pytest.mark.anyio

TIP = {"service_code": "food-safety", "description": "Expired milk on sale", "address_string": "南京东路100号",
       "request_kind": "tip_off", "business_uscc": USCC_A, "business_name": "上海某某食品有限公司",
       "first_name": "Wei", "phone": "13912345678"}


class Today:
    """The service's 'today': steps dated late December 2026 must not be in its future."""

    def __init__(self, monkeypatch) -> None:
        self.day = date(2026, 12, 1)
        for module in (case_service, complaint_service):
            monkeypatch.setattr(module, "today", lambda: self.day)


async def _investigating(c, who: Callers, uscc: str) -> dict:
    case = await lead(c, who, uscc=uscc, received_on="2026-12-01")
    await step(c, who, case["id"], "review_lead")
    await step(c, who, case["id"], "file", {"investigators": TEAM, "on": "2026-12-02"})
    return await step(c, who, case["id"], "start_investigation")


async def _decided(c, who: Callers, uscc: str, decided_on: str) -> dict:
    case = await _investigating(c, who, uscc)
    await step(c, who, case["id"], "notify_rights", {"penalty_kinds": ["fine"], "fine_amount": "20000.00",
                                                     "on": "2026-12-03"})
    await step(c, who, case["id"], "propose_decision")
    return ok(await c.post("/decisions", json=penalty(case["id"], decided_on=decided_on), headers=who.officer), 201)


def _recomputed(history: list[dict], action: str) -> list[dict]:
    return [h["details"] | {"calendar_version": None} for h in history if h["action"] == action]


async def test_step_deadlines_are_provisional_then_recomputed_when_2027_arrives(
        databases, authority, schedule, monkeypatch):  # noqa: F811
    who = Callers(authority)
    clock = Today(monkeypatch)
    async with service_client("casework", databases, authority) as c:
        [tip] = ok(await c.post("/complaints", json=TIP), 201)
        tip_id = tip["service_request_id"]
        tip_case = ok(await c.post(f"/complaints/{tip_id}/accept", json={}, headers=who.officer))["case_id"]
        clock.day = date(2026, 12, 29)
        await step(c, who, tip_case, "review_lead")
        await step(c, who, tip_case, "file", {"investigators": TEAM, "on": "2026-12-28"})
        # A fine of ¥200,000 on an organisation carries the right to a hearing (APL art. 63).
        heard = await _investigating(c, who, USCC_B)
        heard = await step(c, who, heard["id"], "notify_rights", {
            "penalty_kinds": ["fine"], "fine_amount": "200000.00", "on": "2026-12-28"})
        served = await _decided(c, who, USCC_C, "2026-12-28")
        revoked = await _decided(c, who, USCC_A, "2026-12-10")  # served by 21 December: settled
        revoked = ok(await c.post(f"/decisions/{revoked['id']}/revoke", headers=who.officer, json={
            "kind": "revoked", "reason": "annulled on administrative reconsideration", "on": "2026-12-29"}))

        # Weekends alone: 5 working days from 28 December end on 4 January, 7 on 6 January, and
        # 3 from 29 December on Friday 1 January.
        got = ok(await c.get(f"/complaints/{tip_id}", headers=who.officer))
        assert (got["notice_due"], got["notice_due_provisional"]) == ("2027-01-04", True)
        assert (heard["hearing_request_due"], heard["hearing_request_due_provisional"]) == ("2027-01-04", True)
        assert (served["service_due"], served["service_due_provisional"]) == ("2027-01-06", True)
        clock_before = ok(await c.get(f"/cases/{served['case_id']}", headers=who.officer))
        assert (clock_before["clock"]["name"], clock_before["clock"]["due"],
                clock_before["clock"]["provisional"]) == ("service", "2027-01-06", True)
        assert (revoked["withdrawal_due"], revoked["withdrawal_due_provisional"]) == ("2027-01-01", True)
        assert (revoked["service_due"], revoked["service_due_provisional"]) == ("2026-12-21", False)

        schedule.publish_2027()  # New Year off 1-5 January 2027
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 4
            await session.commit()

        got = ok(await c.get(f"/complaints/{tip_id}", headers=who.officer))
        assert (got["notice_due"], got["notice_due_provisional"]) == ("2027-01-07", False)

        case = ok(await c.get(f"/cases/{heard['id']}", headers=who.officer))
        assert (case["hearing_request_due"], case["hearing_request_due_provisional"]) == ("2027-01-07", False)
        assert case["revision"] == heard["revision"] + 1
        history = ok(await c.get(f"/cases/{heard['id']}/history", headers=who.officer))["items"]
        assert _recomputed(history, "deadline_recomputed") == [{
            "deadline": "hearing_request_due", "due_before": "2027-01-04", "due": "2027-01-07", "provisional": False,
            "calendar_version": None}]

        got = ok(await c.get(f"/decisions/{served['id']}", headers=who.officer))
        assert (got["service_due"], got["service_due_provisional"]) == ("2027-01-11", False)
        case = ok(await c.get(f"/cases/{served['case_id']}", headers=who.officer))
        assert (case["clock"]["name"], case["clock"]["due"], case["clock"]["provisional"]) == (
            "service", "2027-01-11", False)
        assert case["revision"] == clock_before["revision"] + 1
        history = ok(await c.get(f"/cases/{served['case_id']}/history", headers=who.officer))["items"]
        assert _recomputed(history, "clock_recomputed") == [{
            "clock": "service", "due_before": "2027-01-06", "due": "2027-01-11", "provisional": False,
            "calendar_version": None}]

        got = ok(await c.get(f"/decisions/{revoked['id']}", headers=who.officer))
        assert (got["withdrawal_due"], got["withdrawal_due_provisional"]) == ("2027-01-06", False)

        async with c.app.state.db.sessionmaker() as session:  # settled now: nothing more to do
            assert await recompute_provisional_deadlines(session) == 0
