"""The credit service's consumers, fed real events over a real nats-server."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import nats
import pytest

from shared.bus.envelope import Event
from shared.bus.streams import ensure_producer_stream
from shared.contracts import EventPayload
from shared.contracts.casework import DecisionIssued, DecisionRevoked
from shared.contracts.inspection import ResultRecorded
from shared.ids import new_id
from tests.auth_support import service_client
from tests.credit.helpers import days_ago, outbox_events, register
from tests.support import handled_at_least, wait_for

pytestmark = pytest.mark.anyio


async def publish(url: str, producer: str, payload: EventPayload) -> str:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        await ensure_producer_stream(js, producer)
        e = Event(id=new_id(), type=payload.event_type, version=payload.event_version,
                  source=f"/supervision/{producer}", time=datetime.now(UTC), data=payload.model_dump(mode="json"))
        await js.publish(e.nats_subject, e.body(), headers=e.headers())
        return e.id
    finally:
        await nc.close()


def decision(uscc: str, number: str, **kw) -> DecisionIssued:
    fields = {"decision_id": new_id(), "decision_number": number, "case_id": new_id(), "uscc": uscc,
              "party_name": "上海示例贸易有限公司", "violation_type": "food_safety", "decision_kind": "penalty",
              "penalty_kinds": ["fine"], "fine_amount": Decimal(200000), "severity": "serious",
              "legal_basis": "Food Safety Law art. 135", "department": "scjgj", "matter_code": "scjgj-001",
              "decided_on": days_ago(3), "publishable": True, "summary": "sold adulterated food"}
    fields.update(kw)
    return DecisionIssued(**fields)


async def test_lifelong_ban_decision_then_revocation(databases, authority, nats_server):
    async with service_client("credit", databases, authority, nats_server.url) as c:
        h = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        number = "沪市监处〔2026〕501号"
        await publish(nats_server.url, "casework", decision(uscc, number, lifelong_ban=True,
                                                            penalty_kinds=["fine", "employment_restriction"]))

        async def listed():
            s = (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()
            return s if "serious_dishonesty" in s["lists"] else None

        subject = await wait_for(listed, what="serious dishonesty entry from the decision")
        assert subject["grade"] == "D"
        penalties = (await c.get(f"/subjects/{uscc}/records", params={"kind": "penalty"}, headers=h)).json()["items"]
        assert [(r["source_ref"], r["severity"], r["penalty_kind"]) for r in penalties] == [
            (number, "serious", "employment_restriction")]
        entry = (await c.get("/lists/serious_dishonesty/entries", params={"uscc": uscc}, headers=authority.headers("yjj", "inspector"))).json()["items"][0]
        assert entry["reason"] == "lifelong_industry_ban" and entry["source_ref"] == number
        # A decision without penalty leaves no credit record.
        await publish(nats_server.url, "casework", decision(uscc, "沪市监不罚〔2026〕9号", decision_kind="no_penalty_minor"))

        await publish(nats_server.url, "casework", DecisionRevoked(
            decision_id=new_id(), decision_number=number, uscc=uscc, department="scjgj", reason="annulled",
            revoked_on=days_ago(0)))

        async def back_to_a():
            s = (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()
            return s if s["grade"] in ("A", "B") and not s["lists"] else None

        await wait_for(back_to_a, what="regrade after the revocation")
        record = (await c.get(f"/records/{penalties[0]['id']}", headers=h)).json()
        assert record["status"] == "revoked"
        records = (await c.get(f"/subjects/{uscc}/records", headers=h)).json()["items"]
        assert sorted(r["kind"] for r in records) == ["penalty", "serious_entry", "serious_exit"]
        grades = [(e["previous_grade"], e["grade"]) for e in await outbox_events(c, "sup.credit.grade.changed", uscc)]
        assert grades == [("A", "D"), ("D", "A")]


async def test_a_second_lifelong_ban_is_recorded_while_the_list_entry_stands(databases, authority, nats_server):
    async with service_client("credit", databases, authority, nats_server.url) as c:
        h = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        numbers = ["沪市监处〔2026〕521号", "沪市监处〔2026〕522号"]
        for number in numbers:
            await publish(nats_server.url, "casework", decision(uscc, number, lifelong_ban=True,
                                                                penalty_kinds=["fine", "employment_restriction"]))

        async def both_penalties():
            items = (await c.get(f"/subjects/{uscc}/records", params={"kind": "penalty"}, headers=h)).json()["items"]
            return items if len(items) == 2 else None

        penalties = await wait_for(both_penalties, what="both decisions on file (none dead-lettered)")
        assert sorted(r["source_ref"] for r in penalties) == numbers
        entries = (await c.get("/lists/serious_dishonesty/entries", params={"uscc": uscc}, headers=authority.headers("yjj", "inspector"))).json()["items"]
        assert [e["source_ref"] for e in entries] == [numbers[0]]
        assert (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()["grade"] == "D"


async def test_a_department_cannot_file_a_decision_the_bus_already_recorded(databases, authority, nats_server):
    async with service_client("credit", databases, authority, nats_server.url) as c:
        h = authority.headers("scjgj", "case_officer")
        uscc = await register(c, authority)
        number = "沪市监处〔2026〕530号"
        await publish(nats_server.url, "casework", decision(uscc, number))

        async def on_file():
            items = (await c.get(f"/subjects/{uscc}/records", params={"kind": "penalty"}, headers=h)).json()["items"]
            return items or None

        await wait_for(on_file, what="the decision's record")
        body = {"kind": "penalty", "matter_code": "scjgj-001", "legal_basis": "Food Safety Law art. 135",
                "decision_date": days_ago(3), "severity": "serious", "penalty_kind": "fine", "amount": "200000.00",
                "source_ref": number}
        refused = await c.post(f"/subjects/{uscc}/records", json=body, headers=h)
        assert refused.status_code == 409 and refused.headers["content-type"] == "application/problem+json"
        assert number in refused.json()["detail"]
        other = await c.post(f"/subjects/{uscc}/records", json=body | {"source_ref": "沪市监处〔2026〕531号"}, headers=h)
        assert other.status_code == 201
        penalties = (await c.get(f"/subjects/{uscc}/records", params={"kind": "penalty"}, headers=h)).json()["items"]
        assert sorted(r["source_ref"] for r in penalties) == [number, "沪市监处〔2026〕531号"]


async def test_inspection_results_and_not_found_at_address(databases, authority, nats_server):
    async with service_client("credit", databases, authority, nats_server.url) as c:
        h = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        base = {"uscc": uscc, "subject_name": "上海示例贸易有限公司", "department": "scjgj",
                "matter_code": "scjgj-003", "item_codes": ["scjgj-003-01"], "inspected_on": days_ago(2)}
        await publish(nats_server.url, "inspection", ResultRecorded(result_id=new_id(), outcome="passed", **base))
        missing = new_id()
        await publish(nats_server.url, "inspection", ResultRecorded(result_id=missing, outcome="not_found", **base))

        async def abnormal():
            s = (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()
            return s if s["lists"] == ["abnormal"] else None

        subject = await wait_for(abnormal, what="abnormal list entry from the inspection")
        assert subject["grade"] == "C"
        entry = (await c.get("/lists/abnormal/entries", params={"uscc": uscc}, headers=authority.headers("yjj", "inspector"))).json()["items"][0]
        assert entry["reason"] == "unreachable_at_address" and entry["source_ref"] == missing
        results = (await c.get(f"/subjects/{uscc}/records", params={"kind": "inspection_result"},
                               headers=h)).json()["items"]
        assert sorted(r["outcome"] for r in results) == ["not_found", "passed"]
        entered = await outbox_events(c, "sup.credit.list.entered", uscc)
        assert [e["list_kind"] for e in entered] == ["abnormal"]


async def test_a_decision_before_registration_counts_once_registered(databases, authority, nats_server):
    from tests.credit.helpers import make_uscc

    async with service_client("credit", databases, authority, nats_server.url) as c:
        uscc = make_uscc()
        await publish(nats_server.url, "casework", decision(uscc, "沪市监处〔2026〕777号", severity="general",
                                                            fine_amount=Decimal(50000)))

        async def recorded():
            return await outbox_events(c, "sup.credit.record.added", uscc)

        await wait_for(recorded, what="record of an unregistered subject")
        await register(c, authority, uscc=uscc)
        subject = (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()
        assert subject["grade"] == "B"
        assert (await outbox_events(c, "sup.credit.subject.registered", uscc))[0]["grade"] == "B"


async def _handled(c, n: int) -> None:
    await wait_for(handled_at_least(c.app, n), what=f"{n} events handled")


async def _credit_state(c, authority, uscc: str) -> dict:
    h = authority.headers("scjgj", "credit_officer")
    subject = (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()
    records = (await c.get(f"/subjects/{uscc}/records", headers=h)).json()["items"]
    entries = (await c.get("/lists/serious_dishonesty/entries",
                           params={"uscc": uscc, "include_exited": "true"}, headers=authority.headers("yjj", "inspector"))).json()["items"]
    grades = [(e["previous_grade"], e["grade"]) for e in await outbox_events(c, "sup.credit.grade.changed", uscc)]
    return {"grade": subject["grade"], "lists": subject["lists"], "grade_events": grades,
            "records": sorted((r["kind"], r["status"]) for r in records),
            "entries": sorted((e["reason"], e["exited_on"] is not None) for e in entries)}


async def test_a_revocation_that_overtakes_its_decision_is_applied_when_the_decision_arrives(
        databases, authority, nats_server):
    async with service_client("credit", databases, authority, nats_server.url) as c:
        states = []
        for n, reversed_order in enumerate((False, True)):
            uscc = await register(c, authority)
            issued = decision(uscc, f"沪市监处〔2026〕{610 + n}号", lifelong_ban=True,
                              penalty_kinds=["fine", "employment_restriction"])
            revocation = DecisionRevoked(decision_id=issued.decision_id, decision_number=issued.decision_number,
                                         uscc=uscc, department="scjgj", reason="annulled", revoked_on=days_ago(0))
            first, second = (revocation, issued) if reversed_order else (issued, revocation)
            # One at a time: the second is sent only once the first is handled, so the order is the one named.
            await publish(nats_server.url, "casework", first)
            await _handled(c, 2 * n + 1)
            await publish(nats_server.url, "casework", second)
            await _handled(c, 2 * n + 2)
            states.append(await _credit_state(c, authority, uscc))
        in_order, reversed_state = states
        assert in_order["records"] == [("penalty", "revoked"), ("serious_entry", "active"), ("serious_exit", "active")]
        assert in_order["lists"] == [] and in_order["entries"] == [("lifelong_industry_ban", True)]
        assert reversed_state == in_order
