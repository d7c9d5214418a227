"""With a real nats-server: a tip-off walked to a closed penalty, the events credit and disclosure
receive (and no trace of the reporter in them), and the leads casework takes from the bus."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import nats
import pytest

from services.casework.cases.service import today
from shared.bus.envelope import Event
from shared.bus.streams import ensure_producer_stream
from shared.contracts.casework import (
    CaseClosed,
    ClockFlagged,
    ComplaintAnswered,
    DecisionIssued,
    DecisionRevoked,
)
from shared.contracts.credit import CreditRecordAdded, RecordWithdrawn, RiskAlerted
from shared.contracts.inspection import ResultRecorded
from shared.ids import new_id
from shared.workdays import working_deadline
from tests.auth_support import service_client
from tests.casework.support import (
    SHA,
    USCC_A,
    USCC_B,
    USCC_C,
    Callers,
    days_ago,
    lead,
    ok,
    penalty,
    ready_to_decide,
    step,
)
from tests.support import handled_at_least, wait_for

pytestmark = pytest.mark.anyio

SENDER = {"first_name": "Xiaoming", "last_name": "Zhangsan", "phone": "13987654321", "email": "xm.zhang@example.cn"}


async def test_tip_off_to_closed_penalty_events_carry_no_reporter_data(databases, authority, nats_server):
    who = Callers(authority)
    nc = await nats.connect(nats_server.url)
    seen: list[tuple[str, dict, bytes]] = []

    async def collect(msg) -> None:
        seen.append((msg.subject, dict(msg.headers or {}), msg.data))

    await nc.subscribe("sup.casework.>", cb=collect)
    try:
        async with service_client("casework", databases, authority, nats_server.url, clock_scan_seconds=0.1) as c:
            forgotten = await lead(c, who, uscc=USCC_C, received_on=days_ago(40))
            [made] = ok(await c.post("/complaints", json={
                "service_code": "food-safety",
                "description": "Biscuits sold without production date; call me back on 13987654321",
                "address_string": "黄浦区南京东路100号", "request_kind": "tip_off", "business_uscc": USCC_A,
                "business_name": "上海某某食品有限公司", **SENDER}), 201)
            cid = made["service_request_id"]
            case_id = ok(await c.post(f"/complaints/{cid}/accept", json={}, headers=who.officer))["case_id"]
            ok(await c.patch(f"/cases/{case_id}", json={"violation_type": "food_labelling"}, headers=who.officer))
            await step(c, who, case_id, "review_lead")
            await step(c, who, case_id, "file", {"investigators": [{"officer_id": "officer-zhang"},
                                                                   {"officer_id": "officer-li"}]})
            await step(c, who, case_id, "start_investigation")
            ok(await c.post(f"/cases/{case_id}/evidence", json={
                "evidence_type": "physical", "title": "sample biscuits", "sha256": SHA,
                "collected_on": today().isoformat()}, headers=who.officer), 201)
            await step(c, who, case_id, "notify_rights", {"penalty_kinds": ["warning", "fine"],
                                                          "fine_amount": "20000.00"})
            await step(c, who, case_id, "propose_decision")
            # No summary given: the decision must not fall back on the reporter's own words.
            decision = ok(await c.post("/decisions", json=penalty(
                case_id, penalty_kinds=["warning", "fine"], facts={"harm": "general"}, summary=""),
                headers=who.officer), 201)
            ok(await c.post(f"/decisions/{decision['id']}/serve", json={}, headers=who.officer))
            case = ok(await c.get(f"/cases/{case_id}", headers=who.officer))
            assert case["state"] == "execution" and case["clock"]["name"] == "payment"
            ok(await c.post(f"/decisions/{decision['id']}/pay", json={"amount": "20000.00"}, headers=who.officer))
            closed = await step(c, who, case_id, "close")
            assert closed["state"] == "closed"

            # A warning alone is not published; revoking it tells disclosure when to withdraw.
            warned = await ready_to_decide(c, who, uscc=USCC_B, kinds=["warning"], fine="0")
            w = ok(await c.post("/decisions", json=penalty(warned["id"], "0", penalty_kinds=["warning"]),
                                headers=who.officer), 201)
            assert w["publishable"] is False
            ok(await c.post(f"/decisions/{w['id']}/revoke", json={"reason": "changed on reconsideration",
                                                                  "kind": "changed"}, headers=who.officer))

            def types() -> list[str]:
                return [s for s, _, _ in seen]

            await wait_for(lambda: _async({DecisionRevoked.event_type, ClockFlagged.event_type} <= set(types())),
                           what="the revocation and clock events")
    finally:
        await nc.close()

    by_type = {}
    for subject, headers, data in seen:
        by_type.setdefault(subject, []).append(json.loads(data))
        # No personal data of the reporter anywhere: not in bodies, not in headers.
        blob = data.decode() + json.dumps(headers, ensure_ascii=False)
        for value in SENDER.values():
            assert value not in blob, (subject, value)
    [answered] = by_type[ComplaintAnswered.event_type]
    assert answered["complaint_id"] == cid and answered["accepted"] is True
    issued = by_type[DecisionIssued.event_type]
    assert len(issued) == 2
    fine = next(e for e in issued if e["case_id"] == case_id)
    assert set(fine) == set(DecisionIssued.model_fields)
    assert re.fullmatch(r"沪市监罚〔\d{4}〕\d+号", fine["decision_number"])
    assert fine == {
        "decision_id": decision["id"], "decision_number": decision["decision_number"], "case_id": case_id,
        "uscc": USCC_A, "party_name": "上海某某食品有限公司", "party_kind": "organisation",
        "violation_type": "food_labelling",
        "violation_name": "Prepackaged food label defects (sample: goods value under ¥10,000)", "decision_kind": "penalty", "penalty_kinds": ["warning", "fine"],
        "fine_amount": "20000.00", "confiscation_amount": "0.00", "severity": "general", "lifelong_ban": False,
        "legal_basis": "Food Safety Law art. 125(1)(2)", "department": "scjgj", "matter_code": "scjgj-001",
        "decided_on": today().isoformat(), "publishable": True, "summary": "food_labelling: 上海某某食品有限公司",
        "replaces": None}
    assert next(e for e in issued if e["case_id"] == warned["id"])["publishable"] is False
    [closed_event] = by_type[CaseClosed.event_type]
    assert closed_event["case_id"] == case_id and closed_event["outcome"] == "penalty"
    assert closed_event["closed_on"] == today().isoformat()
    flagged = [e for e in by_type[ClockFlagged.event_type] if e["case_id"] == forgotten["id"]]
    assert [(e["clock"], e["status"], e["department"]) for e in flagged] == [("filing", "overdue", "scjgj")]
    [revoked] = by_type[DecisionRevoked.event_type]
    assert revoked["kind"] == "changed" and revoked["decision_number"] == w["decision_number"]
    assert date.fromisoformat(revoked["withdraw_by"]) == working_deadline(today(), 3).due


async def _async(value):
    return value


async def _publish(js, producer: str, payload) -> None:
    await ensure_producer_stream(js, producer)
    e = Event(id=new_id(), type=payload.event_type, version=payload.event_version, source=f"/supervision/{producer}",
              time=datetime.now(UTC), data=payload.model_dump(mode="json"))
    await js.publish(e.nats_subject, e.body(), headers=e.headers())


async def test_leads_from_inspection_results_and_risk_alerts_and_penalties_elsewhere(databases, authority,
                                                                                      nats_server):
    who = Callers(authority)
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    try:
        async with service_client("casework", databases, authority, nats_server.url) as c:
            found = ResultRecorded(result_id=new_id(), uscc=USCC_A, subject_name="甲公司", department="scjgj",
                                   matter_code="scjgj-001", item_codes=["food-label"], outcome="problems_found",
                                   problems="no production date on labels", inspected_on=today(),
                                   evidence_hashes=[SHA])
            passed = found.model_copy(update={"result_id": new_id(), "outcome": "passed", "uscc": USCC_C})
            alert = RiskAlerted(alert_id=new_id(), uscc=USCC_B, subject_name="乙公司", score=0.93, level="high",
                                reasons=["3 complaints in 30 days"], model_version="risk-1", as_of=today())
            elsewhere = CreditRecordAdded(record_id=new_id(), uscc=USCC_B, subject_name="乙公司", kind="penalty",
                                          department="yjj", decision_date=today(), source_ref="沪药监罚〔2026〕9号")
            for producer, payload in (("inspection", found), ("inspection", passed), ("credit", alert),
                                      ("credit", elsewhere), ("inspection", found)):
                await _publish(js, producer, payload)

            async def leads() -> list[dict]:
                items = ok(await c.get("/cases", headers=who.officer))["items"]
                return items if len(items) >= 2 else []

            items = await wait_for(leads, what="two leads")
            by_source = {i["source_kind"]: i for i in items}
            assert set(by_source) == {"inspection_result", "risk_alert"} and len(items) == 2
            assert by_source["inspection_result"]["source_ref"] == found.result_id
            assert by_source["inspection_result"]["uscc"] == USCC_A
            assert by_source["risk_alert"]["source_ref"] == alert.alert_id
            hist = ok(await c.get(f"/cases/{by_source['inspection_result']['id']}/history", headers=who.officer))
            assert hist["items"][0]["attachment_hashes"] == [SHA]

            async def not_first() -> bool:
                rec = ok(await c.post("/discretion/food_labelling/recommendation",
                                      json={"uscc": USCC_B, "corrected_promptly": True, "harm": "minor"},
                                      headers=who.officer))
                return rec["first_offence"] is False

            # A penalty from another department means the party is no first offender here either.
            await wait_for(not_first, what="the credit penalty in the read model")
    finally:
        await nc.close()


async def test_a_penalty_credit_withdrew_no_longer_counts_against_first_offence(databases, authority, nats_server):
    who = Callers(authority)
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()

    async def first_offence(c, uscc: str) -> bool:
        rec = ok(await c.post("/discretion/food_labelling/recommendation",
                              json={"uscc": uscc, "corrected_promptly": True, "harm": "minor"}, headers=who.officer))
        return rec["first_offence"]

    def penalty_of(uscc: str, ref: str) -> tuple[CreditRecordAdded, RecordWithdrawn]:
        record_id = new_id()
        return (CreditRecordAdded(record_id=record_id, uscc=uscc, subject_name="乙公司", kind="penalty",
                                  department="yjj", decision_date=today(), source_ref=ref),
                RecordWithdrawn(record_id=record_id, uscc=uscc, kind="penalty", source_ref=ref,
                                reason="objection upheld", withdrawn_on=today()))

    try:
        async with service_client("casework", databases, authority, nats_server.url) as c:
            added, withdrawn = penalty_of(USCC_B, "沪药监罚〔2026〕11号")
            await _publish(js, "credit", added)
            await wait_for(lambda: _negated(first_offence(c, USCC_B)), what="the penalty counted")
            await _publish(js, "credit", withdrawn)
            await wait_for(lambda: first_offence(c, USCC_B), what="the withdrawn penalty no longer counted")
            # Reversed: the withdrawal first, then the record it withdraws.
            added, withdrawn = penalty_of(USCC_C, "沪药监罚〔2026〕12号")
            await _publish(js, "credit", withdrawn)
            await wait_for(handled_at_least(c.app, 3), what="the early withdrawal handled")
            await _publish(js, "credit", added)
            await wait_for(handled_at_least(c.app, 4), what="the record handled")
            assert await first_offence(c, USCC_C) is True
    finally:
        await nc.close()


async def _negated(check) -> bool:
    return not await check
