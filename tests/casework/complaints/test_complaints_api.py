"""Complaints and tip-offs over the API: Open311 intake, routing, deadlines, reporter secrecy, rewards."""

from __future__ import annotations

import pytest

from services.casework.cases.service import today
from shared.workdays import working_deadline
from tests.auth_support import service_client
from tests.casework.support import (
    USCC_A,
    Callers,
    as_date,
    fields,
    ok,
    penalty,
    problem,
    rules,
    step,
)

pytestmark = pytest.mark.anyio

TIP = {"service_code": "food-safety", "description": "Expired milk on sale", "address_string": "南京东路100号",
       "request_kind": "tip_off", "business_uscc": USCC_A, "business_name": "上海某某食品有限公司"}
SENDER = {"first_name": "Wei", "last_name": "Wangxiaoming", "phone": "13912345678", "email": "wei.w@example.cn"}


async def test_open311_intake_routing_and_bad_input(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        services = ok(await c.get("/services"))["services"]
        food = next(s for s in services if s["service_code"] == "food-safety")
        assert (food["department"], food["matter_code"], food["type"]) == ("scjgj", "scjgj-001", "realtime")
        assert {s["department"] for s in services} >= {"scjgj", "yjj", "sthjj", "jtw"}
        # Anonymous public caller, located by coordinates.
        [made] = ok(await c.post("/complaints", json={"service_code": "drugs", "description": "fake pills",
                                                      "lat": "31.230416", "long": "121.473701"}), 201)
        assert made["department"] == "yjj"
        assert as_date(made["acceptance_due"]) == working_deadline(today(), 7).due
        # The 12345 hotline files with the caller's contact details.
        [hot] = ok(await c.post("/complaints", json=TIP | SENDER, headers=who.hotline), 201)
        got = ok(await c.get(f"/complaints/{hot['service_request_id']}", headers=who.hotline))
        assert got["channel"] == "hotline" and got["real_name"] is True and got["sender"] is None
        # Bad input is a 422 naming the field.
        for bad, field in (({**TIP, "description": "x" * 4001}, "body.description"),
                           ({**TIP, "service_code": "nope"}, "body.service_code"),
                           ({**TIP, "email": "not-an-email"}, "body.email"),
                           ({**TIP, "lat": "95"}, "body.lat"),
                           ({**TIP, "business_uscc": "91310000MA1FL0001X"}, "body.business_uscc"),
                           ({**TIP, "media_url": "javascript:alert(1)"}, "body.media_url")):
            assert field in fields(problem(await c.post("/complaints", json=bad), 422)), field
        nowhere = {k: v for k, v in TIP.items() if k != "address_string"}
        assert "address_string" in problem(await c.post("/complaints", json=nowhere), 422)["detail"]


async def test_sender_only_for_the_handling_departments_case_officers(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        [made] = ok(await c.post("/complaints", json=TIP | SENDER), 201)
        cid = made["service_request_id"]
        seen = ok(await c.get(f"/complaints/{cid}", headers=who.officer))
        assert seen["sender"] == SENDER and seen["channel"] == "public"
        for caller in (who.reviewer, who.auditor):
            assert ok(await c.get(f"/complaints/{cid}", headers=caller))["sender"] is None
        problem(await c.get(f"/complaints/{cid}", headers=who.other), 403)
        problem(await c.get(f"/complaints/{cid}"), 401)
        problem(await c.get(f"/complaints/{cid}", headers=who.hotline), 403)  # not one it filed
        listed = ok(await c.get("/complaints", headers=who.officer))["items"]
        assert [x["sender"] for x in listed] == [None]
        # Only the handling department answers.
        problem(await c.post(f"/complaints/{cid}/accept", json={}, headers=who.other), 403)
        problem(await c.post(f"/complaints/{cid}/refuse", json={}, headers=who.officer), 422)
        accepted = ok(await c.post(f"/complaints/{cid}/accept", json={"reason": "ours"}, headers=who.officer))
        problem(await c.post(f"/complaints/{cid}/refuse", json={"reason": "late"}, headers=who.officer), 409)
        case = ok(await c.get(f"/cases/{accepted['case_id']}", headers=who.officer))
        assert (case["source_kind"], case["source_ref"], case["uscc"]) == ("complaint", cid, USCC_A)
        record = (await c.get(f"/cases/{case['id']}/record", headers=who.officer)).text
        for value in SENDER.values():
            assert value not in record


async def test_filing_notice_within_5_working_days_and_reward(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        [made] = ok(await c.post("/complaints", json=TIP | SENDER), 201)
        cid = made["service_request_id"]
        case_id = ok(await c.post(f"/complaints/{cid}/accept", json={}, headers=who.officer))["case_id"]
        problem(await c.post(f"/complaints/{cid}/notify_filing", json={}, headers=who.officer), 409)
        await step(c, who, case_id, "review_lead")
        await step(c, who, case_id, "file", {"investigators": [{"officer_id": "a1"}, {"officer_id": "a2"}]})
        told = ok(await c.get(f"/complaints/{cid}", headers=who.officer))
        assert told["filing_outcome"] == "filed"
        assert as_date(told["notice_due"]) == working_deadline(today(), 5).due
        ok(await c.post(f"/complaints/{cid}/notify_filing", json={}, headers=who.officer))
        problem(await c.post(f"/complaints/{cid}/reward", json={"grade": 1}, headers=who.officer), 409)
        await step(c, who, case_id, "start_investigation")
        await step(c, who, case_id, "notify_rights", {"penalty_kinds": ["fine"], "fine_amount": "20000.00"})
        await step(c, who, case_id, "propose_decision")
        ok(await c.post("/decisions", json=penalty(case_id, violation_type="food_labelling"), headers=who.officer),
           201)
        problem(await c.post(f"/complaints/{cid}/reward", json={"grade": 4}, headers=who.officer), 422)
        reward = ok(await c.post(f"/complaints/{cid}/reward", json={"grade": 1}, headers=who.officer))
        # 5% of ¥20,000 is ¥1,000, below the grade-1 minimum of ¥5,000.
        assert reward["amount"] == "5000.00" and reward["minimum_applied"] is True


async def test_no_decision_until_the_tipped_off_party_is_identified(databases, authority):
    from tests.casework.support import TEAM, days_ago

    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        unnamed = {k: v for k, v in TIP.items() if k != "business_name"}
        [made] = ok(await c.post("/complaints", json=unnamed), 201)
        cid = made["service_request_id"]
        on = {"on": days_ago(0)}
        case_id = ok(await c.post(f"/complaints/{cid}/accept", json=on, headers=who.officer))["case_id"]
        assert ok(await c.get(f"/cases/{case_id}", headers=who.officer))["party_name"] == "(to be identified)"
        await step(c, who, case_id, "review_lead")
        await step(c, who, case_id, "file", {"investigators": TEAM})
        await step(c, who, case_id, "start_investigation")
        await step(c, who, case_id, "notify_rights", {"penalty_kinds": ["fine"], "fine_amount": "20000.00"})
        await step(c, who, case_id, "propose_decision")
        ok(await c.patch(f"/cases/{case_id}", json={"violation_type": "food_labelling"}, headers=who.officer))
        refused = problem(await c.post("/decisions", json=penalty(case_id, fine="2000.00"), headers=who.officer), 422)
        assert "party_name" in rules(refused) and "body.case_id" in fields(refused)
        ok(await c.patch(f"/cases/{case_id}", json={"party_name": "上海某某食品有限公司"}, headers=who.officer))
        decision = ok(await c.post("/decisions", json=penalty(case_id, fine="20000.00"), headers=who.officer), 201)
        assert decision["party_name"] == "上海某某食品有限公司"
