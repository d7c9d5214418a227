"""Credit's events through a real nats-server: the object read model and key tasks from risk alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Self

import nats
import pytest

from shared.bus.envelope import Event
from shared.bus.streams import ensure_producer_stream
from shared.contracts.credit import (
    GradeChanged,
    ListEntered,
    ListExited,
    RiskAlerted,
    SubjectDeregistered,
    SubjectRegistered,
    SubjectUpdated,
)
from shared.ids import new_id
from tests.auth_support import service_client
from tests.inspection.helpers import make_inspector, make_item, uscc
from tests.support import handled_at_least, wait_for

pytestmark = pytest.mark.anyio


class CreditBus:
    def __init__(self, url: str) -> None:
        self.url = url

    async def __aenter__(self) -> Self:
        self.nc = await nats.connect(self.url)
        self.js = self.nc.jetstream()
        await ensure_producer_stream(self.js, "credit")
        return self

    async def __aexit__(self, *exc) -> None:
        await self.nc.close()

    async def publish(self, model, event_id: str | None = None, at: datetime | None = None) -> None:
        e = Event(id=event_id or new_id(), type=model.event_type, version=model.event_version,
                  source="/supervision/credit", time=at or datetime.now(UTC), data=model.model_dump(mode="json"))
        await self.js.publish(e.nats_subject, e.body(), headers=e.headers())


async def test_credit_events_keep_the_object_database(databases, authority, nats_server):
    code = uscc(700)
    async with service_client("inspection", databases, authority, nats_server.url) as c, CreditBus(nats_server.url) as bus:
        h = authority.headers("zjw", "inspector")

        async def obj():
            r = await c.get(f"/objects/{code}", headers=h)
            return r.json() if r.status_code == 200 else None

        # A grade ahead of the registration lands on a stub that no plan draws from.
        await bus.publish(GradeChanged(uscc=code, grade="C", score=61.0, rule_set_version="g-2026", as_of=date(2026, 3, 1)))
        await wait_for(lambda: _is(obj, lambda o: o["grade"] == "C" and o["status"] == "unknown"), what="stub")
        await bus.publish(SubjectRegistered(uscc=code, name="Example Catering", subject_type="enterprise",
                                            district="310104", industry_code="H6210"))
        await wait_for(lambda: _is(obj, lambda o: o["status"] == "active" and o["name"] == "Example Catering"))
        await bus.publish(SubjectUpdated(uscc=code, name="Example Catering Ltd", subject_type="enterprise",
                                         district="310105", industry_code="H6210"))
        older = GradeChanged(uscc=code, grade="A", score=95.0, rule_set_version="g-2026", as_of=date(2026, 1, 1))
        await bus.publish(older)
        entry = ListEntered(entry_id="L-1", uscc=code, subject_name="x", list_kind="red", reason="honest",
                            basis="rules", department="scjgj", entered_on=date(2026, 3, 2))
        await bus.publish(entry)
        await bus.publish(entry, event_id=new_id())  # redelivered under another id: still one membership
        await wait_for(lambda: _is(obj, lambda o: o["lists"] == ["red"] and o["district"] == "310105"))
        assert (await obj())["grade"] == "C"  # the older grade did not overwrite the newer one
        listed = (await c.get("/objects", params={"list_kind": "red"}, headers=h)).json()["items"]
        assert [o["uscc"] for o in listed] == [code]
        await bus.publish(ListExited(entry_id="L-1", uscc=code, subject_name="x", list_kind="red", reason="expired",
                                     department="scjgj", exited_on=date(2026, 6, 1)))
        await bus.publish(SubjectDeregistered(uscc=code, status="deregistered", effective_on=date(2026, 7, 1)))
        await wait_for(lambda: _is(obj, lambda o: o["lists"] == [] and o["status"] == "deregistered"))
        assert (await c.get(f"/objects/{code}")).status_code == 401  # departments only


async def test_the_grade_at_registration_counts_until_a_grade_change(databases, authority, nats_server):
    code = uscc(710)
    async with service_client("inspection", databases, authority, nats_server.url) as c, CreditBus(nats_server.url) as bus:
        h = authority.headers("zjw", "inspector")

        async def obj():
            r = await c.get(f"/objects/{code}", headers=h)
            return r.json() if r.status_code == 200 else None

        await bus.publish(SubjectRegistered(uscc=code, name="Graded Ltd", subject_type="enterprise",
                                            district="310104", industry_code="H6210", grade="B"))
        await wait_for(lambda: _is(obj, lambda o: o["status"] == "active"), what="registration")
        assert (await obj())["grade"] == "B"
        await bus.publish(GradeChanged(uscc=code, grade="D", score=30.0, rule_set_version="g-2026",
                                       as_of=date(2026, 3, 1)))
        await wait_for(lambda: _is(obj, lambda o: o["grade"] == "D"), what="grade change")
        await bus.publish(SubjectUpdated(uscc=code, name="Graded Ltd", subject_type="enterprise",
                                         district="310104", industry_code="H6210", grade="B"))
        await wait_for(handled_at_least(c.app, 3), what="update handled")
        assert (await obj())["grade"] == "D"  # a profile update never resets a dated grade


async def test_risk_alert_opens_one_key_task_with_its_reason(databases, authority, nats_server):
    code = uscc(800)
    async with service_client("inspection", databases, authority, nats_server.url) as c, CreditBus(nats_server.url) as bus:
        key = await make_item(c, authority, "RISK-KEY", kind="key", subject_types=["enterprise"])
        await make_item(c, authority, "RISK-KEY-ORG", kind="key", subject_types=["social_organisation"])
        await make_item(c, authority, "RISK-GEN")
        for j in range(3):
            await make_inspector(c, authority, f"a{j}")
        await bus.publish(SubjectRegistered(uscc=code, name="Risky Ltd", subject_type="enterprise",
                                            district="310104", industry_code="C1391"))
        alert = RiskAlerted(alert_id="ALERT-1", uscc=code, subject_name="Risky Ltd", score=88.5, level="high",
                            reasons=["3 upheld complaints", "inspection failure"], model_version="risk-1",
                            as_of=date(2026, 3, 1))
        await bus.publish(alert)
        await bus.publish(alert)  # the same alert again under a new event id
        h = authority.headers("scjgj", "admin")

        async def tasks():
            return (await c.get("/tasks", params={"kind": "key", "uscc": code}, headers=h)).json()["items"]

        await wait_for(tasks, what="key task")
        # Subject and alert come through different durable consumers: judge once all three are handled.
        await wait_for(handled_at_least(c.app, 3), what="all three events handled")
        obj = (await c.get(f"/objects/{code}", headers=h)).json()
        assert obj["risk_level"] == "high"
        found = await tasks()
        assert len(found) == 1
        task = found[0]
        assert task["alert_id"] == "ALERT-1" and "3 upheld complaints" in task["reason"]
        assert task["item_ids"] == [key["id"]] and len(task["inspector_ids"]) == 2


async def test_alert_that_overtakes_the_registration_gets_its_items_when_the_profile_arrives(
        databases, authority, nats_server):
    code = uscc(801)
    async with service_client("inspection", databases, authority, nats_server.url) as c, CreditBus(nats_server.url) as bus:
        key = await make_item(c, authority, "EARLY-KEY", kind="key", subject_types=["enterprise"])
        await make_item(c, authority, "EARLY-KEY-ORG", kind="key", subject_types=["social_organisation"])
        for j in range(2):
            await make_inspector(c, authority, f"e{j}")
        h = authority.headers("scjgj", "admin")

        async def tasks():
            return (await c.get("/tasks", params={"kind": "key", "uscc": code}, headers=h)).json()["items"]

        await bus.publish(RiskAlerted(alert_id="ALERT-EARLY", uscc=code, subject_name="Early Ltd", score=91.0,
                                      level="high", reasons=["fraud pattern"], model_version="risk-1",
                                      as_of=date(2026, 3, 1)))
        found = await wait_for(tasks, what="key task from the alert")
        assert found[0]["item_ids"] == []  # no profile yet: which key items apply is unknown
        await bus.publish(SubjectRegistered(uscc=code, name="Early Ltd", subject_type="enterprise",
                                            district="310104", industry_code="C1391"))
        await wait_for(lambda: _is(tasks, lambda t: t[0]["item_ids"]), what="items chosen")
        assert [t["item_ids"] for t in await tasks()] == [[key["id"]]]


async def test_object_events_delivered_in_reverse_leave_the_same_object_as_in_order(
        databases, authority, nats_server):
    """Credit emits a subject's events from separate transactions; a retry can hand them over in any
    order. Each event is sent only once the one before it is handled, so the order is the one named."""
    start = datetime.now(UTC)
    async with service_client("inspection", databases, authority, nats_server.url) as c, CreditBus(nats_server.url) as bus:
        h = authority.headers("scjgj", "admin")
        handled = 0
        finals = []
        for n, reverse in enumerate((False, True)):
            code = uscc(900 + n)
            day = date(2026, 3, 1)
            profile = {"uscc": code, "subject_type": "enterprise", "industry_code": "H6210"}
            events = [
                SubjectUpdated(name="Harbour Catering Ltd", district="310104", **profile),
                SubjectUpdated(name="Harbour Catering Group", district="310105", **profile),
                SubjectDeregistered(uscc=code, status="deregistered", effective_on=date(2026, 7, 1)),
                ListEntered(entry_id=f"E-{n}", uscc=code, subject_name="x", list_kind="abnormal", reason="address",
                            basis="rules", department="scjgj", entered_on=date(2026, 2, 1)),
                ListExited(entry_id=f"E-{n}", uscc=code, subject_name="x", list_kind="abnormal", reason="fixed",
                           department="scjgj", exited_on=date(2026, 5, 1)),
                GradeChanged(uscc=code, grade="B", score=80.0, rule_set_version="g-2026", as_of=day),
                GradeChanged(uscc=code, grade="C", score=65.0, rule_set_version="g-2026", as_of=day),
                RiskAlerted(alert_id=f"R1-{n}", uscc=code, subject_name="x", score=71.0, level="medium",
                            reasons=["complaints"], model_version="risk-1", as_of=day),
                RiskAlerted(alert_id=f"R2-{n}", uscc=code, subject_name="x", score=90.0, level="high",
                            reasons=["fraud"], model_version="risk-1", as_of=day),
            ]
            stamped = [(e, start + timedelta(seconds=i + 1)) for i, e in enumerate(events)]
            registration = SubjectRegistered(name="Harbour Catering", district="310104", **profile)
            for payload, at in [(registration, start)] + (stamped[::-1] if reverse else stamped):
                await bus.publish(payload, at=at)
                handled += 1
                await wait_for(handled_at_least(c.app, handled), what=f"event {handled} handled")
            obj = (await c.get(f"/objects/{code}", headers=h)).json()
            tasks = (await c.get("/tasks", params={"kind": "key", "uscc": code}, headers=h)).json()["items"]
            finals.append(({k: v for k, v in obj.items() if k != "uscc"}, await _memberships(c, code), len(tasks)))
        in_order, reversed_state = finals
        obj, memberships, tasks = in_order
        assert (obj["name"], obj["district"], obj["status"]) == ("Harbour Catering Group", "310105", "deregistered")
        assert (obj["grade"], obj["risk_level"], obj["lists"]) == ("C", "high", [])
        assert memberships == [("abnormal", "2026-02-01", "2026-05-01")] and tasks == 2
        assert reversed_state == in_order


async def _memberships(c, code: str) -> list[tuple[str, str, str | None]]:
    from sqlalchemy import select

    from services.inspection.models import ListMembership

    async with c.app.state.db.sessionmaker() as s:
        rows = (await s.execute(select(ListMembership).where(ListMembership.uscc == code))).scalars()
        return sorted((m.list_kind, m.entered_on.isoformat(), m.exited_on and m.exited_on.isoformat()) for m in rows)



async def _is(getter, pred) -> bool:
    value = await getter()
    return bool(value) and pred(value)
