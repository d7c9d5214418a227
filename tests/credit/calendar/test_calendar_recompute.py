"""Deadlines counted while 2027's holiday schedule was unknown are provisional, and are recomputed
with the same rule once the schedule arrives: repair decisions and removals, objection deadlines."""

from __future__ import annotations

from datetime import date

import pytest

from services.credit.calendar.service import recompute_provisional_deadlines
from services.credit.models import Objection, RepairApplication
from services.credit.repairs import service as repairs_service
from services.credit.rules.objections import objection_deadlines
from services.credit.rules.repair import repair_decision_deadline
from tests.auth_support import service_client
from tests.calendar_support import schedule  # noqa: F401 - fixture
from tests.credit.helpers import penalty, register

pytestmark = pytest.mark.anyio

RECEIVED = date(2026, 12, 28)  # a Monday: 5 and 10 working days later fall in 2027


async def _received_on_28_december(app, repair_id: str, objection_id: str) -> None:
    """Date both 28 December 2026, with the deadlines intake counts for that day."""
    async with app.state.db.sessionmaker() as session:
        a = await session.get(RepairApplication, repair_id)
        d = repair_decision_deadline(RECEIVED)
        a.received_on, a.decision_due, a.decision_due_provisional = RECEIVED, d.due, d.provisional
        o = await session.get(Objection, objection_id)
        od = objection_deadlines(RECEIVED)
        o.received_on, o.flag_due, o.decide_due = RECEIVED, od.flag.due, od.decide.due
        o.deadlines_provisional = od.flag.provisional or od.decide.provisional
        await session.commit()


async def test_provisional_deadlines_are_recomputed_when_2027_arrives(databases, authority, schedule):  # noqa: F811
    officer = authority.headers("scjgj", "credit_officer")
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        r = await c.post(f"/subjects/{uscc}/records", json=penalty(days=400),
                         headers=authority.headers("scjgj", "case_officer"))
        assert r.status_code == 201, r.text
        record = r.json()
        r = await c.post("/repairs", json={"uscc": uscc, "record_id": record["id"], "applicant_name": "上海示例贸易有限公司",
                                           "applicant_contact": "13800000000", "obligations_performed": True,
                                           "harm_removed": True, "statement": "fine paid"})
        assert r.status_code == 201, r.text
        repair = r.json()
        r = await c.post("/objections", json={"uscc": uscc, "record_id": record["id"], "applicant_name": "张三",
                                              "applicant_contact": "zhang@example.cn", "grounds": "annulled on appeal"})
        assert r.status_code == 201, r.text
        objection = r.json()
        await _received_on_28_december(c.app, repair["id"], objection["id"])

        # Weekends alone: 29-31 Dec, Fri 1 Jan, 4-8 and 11 January.
        a = (await c.get(f"/repairs/{repair['id']}", headers=officer)).json()
        assert (a["decision_due"], a["decision_due_provisional"]) == ("2027-01-11", True)
        o = (await c.get(f"/objections/{objection['id']}", headers=officer)).json()
        assert (o["flag_due"], o["decide_due"], o["deadlines_provisional"]) == ("2026-12-29", "2027-01-04", True)

        schedule.publish_2027()  # New Year off 1-5 January 2027
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 2
            await session.commit()

        a = (await c.get(f"/repairs/{repair['id']}", headers=officer)).json()
        assert (a["decision_due"], a["decision_due_provisional"]) == ("2027-01-14", False)
        o = (await c.get(f"/objections/{objection['id']}", headers=officer)).json()
        # 29 December stays (no longer waiting on 2027's notice); the decision moves past the holiday.
        assert (o["flag_due"], o["decide_due"], o["deadlines_provisional"]) == ("2026-12-29", "2027-01-07", False)
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 0


async def test_removal_deadline_of_an_approved_repair_is_recomputed_when_2027_arrives(
        databases, authority, schedule, monkeypatch):  # noqa: F811
    officer = authority.headers("scjgj", "credit_officer")
    # Applied and approved on Tuesday 29 December 2026 (the service's today).
    monkeypatch.setattr(repairs_service, "shanghai_today", lambda: date(2026, 12, 29))
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        r = await c.post(f"/subjects/{uscc}/records", json=penalty(days=400),
                         headers=authority.headers("scjgj", "case_officer"))
        assert r.status_code == 201, r.text
        r = await c.post("/repairs", json={"uscc": uscc, "record_id": r.json()["id"], "applicant_name": "上海示例贸易有限公司",
                                           "applicant_contact": "13800000000", "obligations_performed": True,
                                           "harm_removed": True, "statement": "fine paid"})
        assert r.status_code == 201, r.text
        r = await c.post(f"/repairs/{r.json()['id']}/decision", json={"approve": True, "reason": "conditions met"},
                         headers=officer)
        assert r.status_code == 200, r.text
        a = r.json()
        # Weekends alone: 30, 31 December and Friday 1 January; decided within 10: 12 January.
        assert (a["removal_due"], a["removal_due_provisional"]) == ("2027-01-01", True)
        assert (a["decision_due"], a["decision_due_provisional"]) == ("2027-01-12", True)

        schedule.publish_2027()  # New Year off 1-5 January 2027
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 2  # the removal and the decision deadline
            await session.commit()

        a = (await c.get(f"/repairs/{a['id']}", headers=officer)).json()
        assert (a["removal_due"], a["removal_due_provisional"]) == ("2027-01-06", False)
        assert (a["decision_due"], a["decision_due_provisional"]) == ("2027-01-15", False)
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 0
