"""The party's kind follows from its code, and a decision's event leaves casework redacted."""

from __future__ import annotations

import json

import nats
import pytest

from shared.contracts.casework import DecisionIssued
from tests.auth_support import service_client
from tests.casework.support import (
    Callers,
    lead,
    ok,
    penalty,
    problem,
    ready_to_decide,
    rules,
)
from tests.redaction_strategies import INDIVIDUAL_BUSINESS
from tests.support import wait_for

pytestmark = pytest.mark.anyio

HOME = "住址：上海市徐汇区龙华西路585弄12号302室"
FACTS = f"经营者张三，{HOME}，身份证310104 19820303 4324，手机１３８１２３４５６７８，邮箱zhangsan@163.com"
SECRETS = ("585弄12号", "302室", "19820303", "4324", "１２３４５６７８", "12345678", "zhangsan@")


async def test_an_officer_cannot_call_an_individual_business_an_organisation(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        body = problem(await c.post("/cases", headers=who.officer, json={
            "matter_code": "scjgj-001", "uscc": INDIVIDUAL_BUSINESS, "party_name": "张三小吃店",
            "party_kind": "organisation", "violation_type": "food_labelling", "summary": "x"}), 422)
        assert rules(body) == {"party_kind_from_identifier"}
        case = await lead(c, who, uscc=INDIVIDUAL_BUSINESS)
        assert case["party_kind"] == "person"


async def test_a_penalty_on_an_individual_business_carries_no_personal_data_on_the_bus(databases, authority,
                                                                                     nats_server):
    who = Callers(authority)
    nc = await nats.connect(nats_server.url)
    seen: list[bytes] = []

    async def collect(msg) -> None:
        seen.append(msg.data)

    await nc.subscribe("sup.casework.decision.>", cb=collect)
    try:
        async with service_client("casework", databases, authority, nats_server.url) as c:
            case = await ready_to_decide(c, who, uscc=INDIVIDUAL_BUSINESS, fine="20000.00")
            ok(await c.post("/decisions", json=penalty(case["id"], fine="20000.00", summary=FACTS),
                            headers=who.officer), 201)

            async def arrived():
                return bool(seen)

            await wait_for(arrived, what="the decision event")
    finally:
        await nc.close()
    [event] = [json.loads(d) for d in seen]
    assert set(event) <= set(DecisionIssued.model_fields) and "full_text" not in event
    assert event["party_kind"] == "person" and event["uscc"] == INDIVIDUAL_BUSINESS
    text = json.dumps(event, ensure_ascii=False)
    assert not [s for s in SECRETS if s in text], text
    assert "龙华西路" in event["summary"] and "手机１３８*" in event["summary"]
