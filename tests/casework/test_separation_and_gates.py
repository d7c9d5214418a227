"""Separated roles and one-way gates (issue 12, part B): a reviewer is never the submitter nor an
investigator, compared by principal; facts that require a legal review, and a suspected crime, are
cleared only by a recorded act of someone entitled; after a rejected review only a new review opens
the way to a decision; a judicial transfer ends the administrative path until the organ's return."""

from __future__ import annotations

import pytest

from tests.auth_support import service_client
from tests.casework.support import (
    Callers,
    days_ago,
    investigating,
    ok,
    penalty,
    problem,
    step,
)

pytestmark = pytest.mark.anyio


async def _rejected(c, who: Callers, fact: str) -> str:
    """A case with `fact` set, submitted for review and rejected: back under investigation."""
    case = await investigating(c, who)
    cid = case["id"]
    ok(await c.patch(f"/cases/{cid}", json={fact: True}, headers=who.officer))
    await step(c, who, cid, "notify_rights", {"penalty_kinds": ["fine"], "fine_amount": "20000.00",
                                              "on": days_ago(30)})
    review = ok(await c.post(f"/cases/{cid}/submit_for_review", json={}, headers=who.officer), 201)
    ok(await c.post(f"/reviews/{review['id']}/reject", json={"opinion": "facts unclear"}, headers=who.reviewer))
    return cid


async def test_a_client_holding_case_officer_and_legal_reviewer_cannot_pass_its_own_case(databases, authority):
    """The finding: one client filed the case (naming free-text investigators) and passed its review."""
    who = Callers(authority)
    both = authority.headers("scjgj", "case_officer", "legal_reviewer", client_id="scjgj-both-roles")
    who.officer = both
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who)
        cid = case["id"]
        ok(await c.patch(f"/cases/{cid}", json={"complex_case": True}, headers=both))
        await step(c, who, cid, "notify_rights", {"penalty_kinds": ["fine"], "fine_amount": "20000.00",
                                                  "on": days_ago(30)})
        review = ok(await c.post(f"/cases/{cid}/submit_for_review", json={}, headers=both), 201)
        body = problem(await c.post(f"/reviews/{review['id']}/pass", json={"opinion": "fine"}, headers=both), 403)
        assert "separated" in body["detail"] and body["rule"] == "separated_roles"
        still = ok(await c.get(f"/reviews/{review['id']}", headers=who.reviewer))
        assert still["status"] == "pending"


async def test_the_reviewer_is_never_the_submitter_nor_an_actor_of_the_investigation(databases, authority):
    """Compared by principal: a reviewer credential that acted on the case as an officer is refused,
    whatever the free-text investigator names say."""
    who = Callers(authority)
    officer_id = "scjgj-officer-wang"
    who.officer = authority.headers("scjgj", "case_officer", client_id=officer_id)
    # The same principal later holds a reviewer credential (say, a changed job): still the submitter.
    same_principal_reviewing = authority.headers("scjgj", "legal_reviewer", client_id=officer_id)
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who)
        cid = case["id"]
        ok(await c.patch(f"/cases/{cid}", json={"complex_case": True}, headers=who.officer))
        review = ok(await c.post(f"/cases/{cid}/submit_for_review", json={}, headers=who.officer), 201)
        body = problem(await c.post(f"/reviews/{review['id']}/pass", json={"opinion": "ok"},
                                    headers=same_principal_reviewing), 403)
        assert body["rule"] == "reviewer_not_investigator" and officer_id in body["detail"]
        # An independent reviewer passes it.
        passed = ok(await c.post(f"/reviews/{review['id']}/pass", json={"opinion": "lawful"}, headers=who.reviewer))
        assert passed["status"] == "passed"


@pytest.mark.parametrize("fact", ["complex_case", "major_public_interest", "suspected_crime"])
async def test_after_a_rejected_review_the_officer_cannot_untick_the_fact_and_decide(databases, authority, fact):
    """The finding: officer un-ticks the fact after a rejection, proposes and decides (201 today)."""
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        cid = await _rejected(c, who, fact)
        body = problem(await c.patch(f"/cases/{cid}", json={fact: False}, headers=who.officer), 403)
        assert body["rule"] == "one_way_gate" and fact in body["detail"]
        case = ok(await c.get(f"/cases/{cid}", headers=who.officer))
        assert case[fact] is True
        # Whatever else the officer does, the decision is not offered and is refused.
        if fact != "suspected_crime":
            case = await step(c, who, cid, "propose_decision")
            assert "decide" not in case["allowed_actions"] and "submit_for_review" in case["allowed_actions"]
        body = problem(await c.post("/decisions", json=penalty(cid), headers=who.officer), 409)
        assert "decide" not in body["allowed"]


async def test_any_change_after_a_rejected_review_needs_a_new_review(databases, authority):
    """Even when the facts requiring review are lawfully cleared, the rejection stands until a new review."""
    who = Callers(authority)
    head = authority.headers("scjgj", "head", client_id="scjgj-head-li")
    async with service_client("casework", databases, authority) as c:
        cid = await _rejected(c, who, "complex_case")
        # Clearing needs a reason and someone entitled (here the organ's head), and is recorded.
        problem(await c.post(f"/cases/{cid}/clear_fact", json={"fact": "complex_case", "reason": "x"},
                             headers=who.officer), 403)
        cleared = ok(await c.post(f"/cases/{cid}/clear_fact",
                                  json={"fact": "complex_case", "reason": "one legal relationship only"},
                                  headers=head))
        assert cleared["complex_case"] is False
        history = ok(await c.get(f"/cases/{cid}/history", headers=who.officer))["items"]
        line = [h for h in history if h["action"] == "fact_cleared"][-1]
        assert line["actor_client_id"] == "scjgj-head-li"
        assert line["details"] == {"fact": "complex_case", "reason": "one legal relationship only"}
        ok(await c.patch(f"/cases/{cid}", json={"summary": "labels re-checked"}, headers=who.officer))
        case = await step(c, who, cid, "propose_decision")
        assert "decide" not in case["allowed_actions"]
        body = problem(await c.post("/decisions", json=penalty(cid), headers=who.officer), 409)
        assert "rejected" in body["detail"]
        review = ok(await c.post(f"/cases/{cid}/submit_for_review", json={}, headers=who.officer), 201)
        ok(await c.post(f"/reviews/{review['id']}/pass", json={"opinion": "lawful now"}, headers=who.reviewer))
        ok(await c.post("/decisions", json=penalty(cid), headers=who.officer), 201)


async def test_the_legal_reviewer_clears_a_fact_with_a_reason_and_a_hearing_cannot_be_unheld(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who)
        cid = case["id"]
        ok(await c.patch(f"/cases/{cid}", json={"major_public_interest": True}, headers=who.officer))
        body = problem(await c.post(f"/cases/{cid}/clear_fact", json={"fact": "major_public_interest"},
                                    headers=who.reviewer), 422)
        assert {e["field"] for e in body["errors"]} == {"body.reason"}
        problem(await c.post(f"/cases/{cid}/clear_fact", json={"fact": "major_public_interest", "reason": "r"},
                             headers=Callers(authority, "yjj").reviewer), 403)
        out = ok(await c.post(f"/cases/{cid}/clear_fact",
                              json={"fact": "major_public_interest", "reason": "local effect only"},
                              headers=who.reviewer))
        assert out["major_public_interest"] is False
        # A fact not set cannot be "cleared"; unknown facts are named.
        problem(await c.post(f"/cases/{cid}/clear_fact", json={"fact": "had_hearing", "reason": "r"},
                             headers=who.reviewer), 409)
        body = problem(await c.post(f"/cases/{cid}/clear_fact", json={"fact": "paid", "reason": "r"},
                                    headers=who.reviewer), 422)
        assert {e["field"] for e in body["errors"]} == {"body.fact"}


async def test_a_judicial_transfer_ends_the_path_until_the_organs_return_is_recorded(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who)
        cid = case["id"]
        moved = await step(c, who, cid, "transfer_judicial", {"reason": "suspected sale of toxic food"})
        assert moved["allowed_actions"] == ["return_from_judicial"]
        body = problem(await c.patch(f"/cases/{cid}", json={"summary": "x"}, headers=who.officer), 409)
        assert body["current_state"] == "transferred_judicial"
        problem(await c.patch(f"/cases/{cid}", json={"suspected_crime": False}, headers=who.officer), 403)
        # The organ's return is an act of its own: who returned it, its document, its date.
        body = problem(await c.post(f"/cases/{cid}/return_from_judicial", json={}, headers=who.officer), 422)
        assert {"body.organ", "body.document_ref"} <= {e["field"] for e in body["errors"]}
        back = await step(c, who, cid, "return_from_judicial", {
            "organ": "Shanghai Public Security Bureau", "document_ref": "沪公不立〔2026〕12号",
            "on": days_ago(1), "note": "no criminal liability; administrative penalty due"})
        assert back["state"] == "investigation" and back["suspected_crime"] is False
        history = ok(await c.get(f"/cases/{cid}/history", headers=who.officer))["items"]
        line = history[-1]
        assert line["action"] == "return_from_judicial"
        assert line["details"]["document_ref"] == "沪公不立〔2026〕12号"


async def test_a_hearing_not_yet_held_is_not_offered_for_conclusion(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who)
        cid = case["id"]
        notified = await step(c, who, cid, "notify_rights", {"penalty_kinds": ["fine"], "fine_amount": "200000.00",
                                                             "on": days_ago(2)})
        assert notified["hearing_right"] is True and "request_hearing" in notified["allowed_actions"]
        heard = await step(c, who, cid, "request_hearing", {"on": days_ago(1)})
        assert heard["state"] == "hearing" and "conclude_hearing" not in heard["allowed_actions"]
        body = problem(await c.post(f"/cases/{cid}/conclude_hearing", json={}, headers=who.officer), 409)
        assert "conclude_hearing" not in body.get("allowed", [])
