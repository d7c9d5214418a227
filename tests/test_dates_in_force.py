"""A date of legal effect before the platform's first rules in force is a 422 naming the field, where
it enters; no producer can put one on the bus, so no consumer ever dead-letters an event for its date.

Found: a credit record dated before 2021-09-01, a commitment granted in 2017 or 2019, a decision or
rights notice dated 2019 and a discretion lookup `as_of` 1990 each answered 500.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.contracts.casework import DecisionIssued
from shared.contracts.credit import CreditRecordAdded
from shared.contracts.dates import RULES_IN_FORCE_FROM
from tests.auth_support import service_client
from tests.casework.support import Callers, investigating, penalty, problem, ready_to_decide
from tests.credit.helpers import penalty as credit_penalty
from tests.credit.helpers import register

pytestmark = pytest.mark.anyio
BEFORE = "2021-08-31"


def names_rule(body: dict, field: str) -> bool:
    return any(e["field"] == field and e["rule"] == "rule_in_force" for e in body.get("errors") or [])


async def test_credit_refuses_records_and_commitments_before_the_rules(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        officer, filer = authority.headers("scjgj", "credit_officer"), authority.headers("scjgj", "case_officer")
        body = problem(await c.post(f"/subjects/{uscc}/records", json=credit_penalty(decision_date=BEFORE),
                                    headers=filer), 422)
        assert names_rule(body, "body.decision_date"), body
        first = await c.post(f"/subjects/{uscc}/records", json=credit_penalty(
            decision_date=RULES_IN_FORCE_FROM.isoformat()), headers=filer)
        assert first.status_code == 201, first.text
        for granted_on in ("2017-05-01", "2019-06-30"):
            body = problem(await c.post("/commitments", headers=officer, json={
                "uscc": uscc, "matter_code": "scjgj-004", "field": "advertising", "licence_number": "沪广告承诺〔2019〕1",
                "promise": "premises meet the conditions", "granted_on": granted_on}), 422)
            assert names_rule(body, "body.granted_on"), body


async def test_casework_refuses_decisions_notices_and_lookups_before_the_rules(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who)
        body = problem(await c.post(f"/cases/{case['id']}/notify_rights", headers=who.officer,
                                    json={"penalty_kinds": ["fine"], "fine_amount": "20000.00", "on": "2019-05-01"}),
                       422)
        assert names_rule(body, "body.on"), body
        ready = await ready_to_decide(c, who)
        body = problem(await c.post("/decisions", json=penalty(ready["id"], decided_on="2019-05-01"),
                                    headers=who.officer), 422)
        assert names_rule(body, "body.decided_on"), body
        body = problem(await c.get("/discretion/food_labelling/recommendation", params={"as_of": "1990-01-01"},
                                   headers=who.officer), 422)
        assert names_rule(body, "query.as_of"), body
        body = problem(await c.post("/discretion/food_labelling/recommendation", json={"as_of": "1990-01-01"},
                                    headers=who.officer), 422)
        assert names_rule(body, "body.as_of"), body


def test_no_event_can_carry_a_date_before_the_rules():
    record = {"record_id": "r", "uscc": "91310000MA1FL0001R", "subject_name": "s", "kind": "penalty",
              "department": "scjgj", "decision_date": BEFORE}
    with pytest.raises(ValidationError, match="rule_in_force|no rule version"):
        CreditRecordAdded.model_validate(record)
    decision = {"decision_id": "d", "decision_number": "n", "case_id": "c", "uscc": "91310000MA1FL0001R",
                "party_name": "p", "violation_type": "food_labelling", "decision_kind": "penalty",
                "penalty_kinds": ["fine"], "severity": "general", "legal_basis": "b", "department": "scjgj",
                "decided_on": "2019-05-01", "publishable": True}
    with pytest.raises(ValidationError, match="decided_on"):
        DecisionIssued.model_validate(decision)
