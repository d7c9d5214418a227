"""Casework's decision events, exactly as casework queues them, read by every consumer (credit and
disclosure) on real databases: each must interpret them as casework meant them.

Before one vocabulary, casework said `revoke_licence` and credit read `licence_revocation`: a
licence revocation became a warning with a zero-length publicity window, repairable at once,
while disclosure published it for three years.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.contracts import parse_payload
from tests.auth_support import service_client
from tests.casework.support import USCC_A, USCC_B, USCC_C, Callers, ok, penalty, ready_to_decide
from tests.contracts.support import deliver, queued
from tests.credit.helpers import register

pytestmark = pytest.mark.anyio

ISSUED, REVOKED = "sup.casework.decision.issued", "sup.casework.decision.revoked"
# (party, penalty kinds, fine) for the heaviest penalties and a plain fine.
DECISIONS = {"revocation": (USCC_A, ["licence_revocation"], "0"),
             "suspension": (USCC_B, ["suspension"], "0"),
             "fine": (USCC_C, ["fine"], "20000.00")}


async def casework_decisions(databases, authority):
    """Three penalty decisions and one revocation, issued through casework's API."""
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        ids = {}
        for name, (uscc, kinds, fine) in DECISIONS.items():
            case = await ready_to_decide(c, who, uscc=uscc, fine=fine, kinds=kinds)
            made = ok(await c.post("/decisions", json=penalty(case["id"], fine, penalty_kinds=kinds),
                                   headers=who.officer), 201)
            ids[name] = made["id"]
        ok(await c.post(f"/decisions/{ids['fine']}/revoke", json={"reason": "annulled on reconsideration"},
                        headers=who.officer))
        issued, revoked = await queued(c, ISSUED), await queued(c, REVOKED)
    assert len(issued) == 3 and len(revoked) == 1
    return {e.data["penalty_kinds"][0]: e for e in issued}, revoked[0]


async def test_credit_reads_each_penalty_kind_as_casework_meant_it(databases, authority):
    issued, revoked = await casework_decisions(databases, authority)
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        for uscc, _, _ in DECISIONS.values():
            await register(c, authority, uscc=uscc)
        for event in issued.values():
            assert await deliver(c, event) == 1

        async def penalty_record(uscc: str) -> dict:
            [record] = (await c.get(f"/subjects/{uscc}/records", headers=officer)).json()["items"]
            return record

        for name in ("revocation", "suspension"):
            uscc, [kind], _ = DECISIONS[name]
            record = await penalty_record(uscc)
            assert record["kind"] == "penalty" and record["penalty_kind"] == kind
            # Published for years, not a zero-length window that would already have ended.
            assert record["publicity_end"] > record["publicity_start"]
            r = await c.post("/repairs", json={
                "uscc": uscc, "record_id": record["id"], "applicant_name": "上海某某食品有限公司",
                "applicant_contact": "13800000000", "obligations_performed": True, "harm_removed": True,
                "statement": "obligations performed"})
            assert r.status_code == 409, r.text
            reasons = r.json()["reasons"]
            assert any("never repaired early" in x for x in reasons), reasons
            assert not any("already ended" in x for x in reasons), reasons

        fine = await penalty_record(DECISIONS["fine"][0])
        assert fine["penalty_kind"] == "fine" and Decimal(fine["amount"]) == Decimal("20000.00")
        assert fine["status"] == "active"
        assert await deliver(c, revoked) == 1
        assert (await c.get(f"/records/{fine['id']}", headers=officer)).json()["status"] == "revoked"


async def test_disclosure_publishes_each_decision_and_withdraws_the_revoked_one(databases, authority):
    issued, revoked = await casework_decisions(databases, authority)
    async with service_client("disclosure", databases, authority) as c:
        for event in issued.values():
            assert await deliver(c, event) == 1
        for name, (uscc, kinds, fine) in DECISIONS.items():
            [public] = (await c.get("/public/records", params={"uscc": uscc})).json()["items"]
            assert public["record_type"] == "penalty_decision", public
            content = public["content"]
            assert content["penalty_kinds"] == kinds and Decimal(content["fine_amount"]) == Decimal(fine), content
        assert await deliver(c, revoked) == 1
        assert (await c.get("/public/records", params={"uscc": DECISIONS["fine"][0]})).json()["items"] == []


def test_an_unknown_code_is_refused_by_the_contract_not_mapped_by_the_consumer():
    good = {"decision_id": "d", "decision_number": "n", "case_id": "c", "uscc": USCC_A, "party_name": "p",
            "violation_type": "food_labelling", "decision_kind": "penalty", "penalty_kinds": ["licence_revocation"],
            "severity": "serious", "legal_basis": "b", "department": "scjgj", "decided_on": "2026-10-01",
            "publishable": True}
    assert parse_payload(ISSUED, 1, good).penalty_kinds == ["licence_revocation"]
    for field, bad in (("penalty_kinds", ["revoke_licence"]), ("decision_kind", "no_penalty_not_established"),
                       ("severity", "grave"), ("party_kind", "company"), ("department", "SCJGJ!")):
        with pytest.raises(ValueError, match=field):
            parse_payload(ISSUED, 1, good | {field: bad})
