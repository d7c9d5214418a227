"""The case workflow over the API: each [law] rule the service enforces, refused when broken."""

from __future__ import annotations

import pytest

from tests.auth_support import service_client
from tests.casework.support import (
    SHA,
    TEAM,
    USCC_B,
    USCC_C,
    Callers,
    days_ago,
    fields,
    investigating,
    lead,
    ok,
    penalty,
    problem,
    ready_to_decide,
    rules,
    step,
)

pytestmark = pytest.mark.anyio


async def test_forbidden_transition_is_409_naming_current_state_and_allowed(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await lead(c, who)
        assert case["state"] == "lead" and case["clock"]["name"] == "filing"
        body = problem(await c.post(f"/cases/{case['id']}/start_investigation", json={}, headers=who.officer), 409)
        assert body["current_state"] == "lead"
        assert body["allowed"] == ["review_lead", "transfer", "transfer_judicial"]
        assert body["attempted"] == "start_investigation"
        # Filing needs the verification step first; then a declined lead is final.
        await step(c, who, case["id"], "review_lead")
        await step(c, who, case["id"], "decline_filing", {"reason": "no violation on verification"})
        body = problem(await c.post(f"/cases/{case['id']}/file", json={"investigators": TEAM}, headers=who.officer),
                       409)
        assert (body["current_state"], body["allowed"]) == ("not_filed", [])
        # A decision on a case that is not ready for one.
        other = await investigating(c, who, uscc=USCC_B)
        body = problem(await c.post("/decisions", json=penalty(other["id"]), headers=who.officer), 409)
        assert body["current_state"] == "investigation" and "propose_decision" in body["allowed"]


async def test_filing_needs_two_investigators_without_a_declared_interest(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await lead(c, who)
        await step(c, who, case["id"], "review_lead")
        body = problem(await c.post(f"/cases/{case['id']}/file", json={"investigators": TEAM[:1]},
                                    headers=who.officer), 422)
        assert "too_few_investigators" in rules(body) and fields(body) == {"body.investigators"}
        twice = [TEAM[0], TEAM[0]]
        assert "too_few_investigators" in rules(problem(
            await c.post(f"/cases/{case['id']}/file", json={"investigators": twice}, headers=who.officer), 422))
        # APL art. 43: an officer with an interest in the party withdraws.
        conflicted = [TEAM[0], {"officer_id": "officer-wu", "declared_interests": [case["uscc"]]}]
        body = problem(await c.post(f"/cases/{case['id']}/file", json={"investigators": conflicted},
                                    headers=who.officer), 422)
        assert rules(body) == {"recusal_interest"} and "officer-wu" in body["detail"]
        filed = await step(c, who, case["id"], "file", {"investigators": TEAM})
        assert filed["state"] == "filed" and filed["investigators"] == ["officer-zhang", "officer-li"]
        assert filed["clock"]["name"] == "decision"


async def test_suspected_crime_refuses_a_penalty_decision_and_transfer_is_mandatory(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await ready_to_decide(c, who)
        ok(await c.patch(f"/cases/{case['id']}", json={"suspected_crime": True}, headers=who.officer))
        body = problem(await c.post("/decisions", json=penalty(case["id"]), headers=who.officer), 409)
        assert "judicial" in body["detail"] and "decide" not in body["allowed"]
        assert "transfer_judicial" in body["allowed"]
        moved = await step(c, who, case["id"], "transfer_judicial", {"reason": "suspected sale of toxic food"})
        assert moved["state"] == "transferred_judicial" and moved["clock"]["name"] is None
        # Handed back with no criminal liability: the penalty can then follow the normal path.
        back = await step(c, who, case["id"], "return_from_judicial",
                          {"organ": "Shanghai Public Security Bureau", "document_ref": "沪公不立〔2026〕3号"})
        assert back["state"] == "investigation" and back["suspected_crime"] is False


async def test_no_decision_without_a_passed_review_by_someone_who_did_not_investigate(databases, authority):
    who = Callers(authority)
    team = [{"officer_id": "officer-zhang"}, {"officer_id": who.reviewer_id}]
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who, team=team)
        cid = case["id"]
        ok(await c.patch(f"/cases/{cid}", json={"complex_case": True}, headers=who.officer))
        await step(c, who, cid, "notify_rights", {"penalty_kinds": ["fine"], "fine_amount": "20000.00",
                                                  "on": days_ago(30)})
        await step(c, who, cid, "propose_decision")
        # APL art. 58: a complex case needs a passed legal review before the decision.
        body = problem(await c.post("/decisions", json=penalty(cid), headers=who.officer), 409)
        assert "legal review" in body["detail"] and body["current_state"] == "decision_pending"
        review = ok(await c.post(f"/cases/{cid}/submit_for_review", json={}, headers=who.officer), 201)
        assert review["status"] == "pending" and any("complex" in r for r in review["reasons"])
        # The reviewer investigated the case: refused.
        body = problem(await c.post(f"/reviews/{review['id']}/pass", json={"opinion": "fine"},
                                    headers=who.reviewer), 403)
        assert "investigated" in body["detail"]
        # A case officer cannot pass a review either.
        problem(await c.post(f"/reviews/{review['id']}/pass", json={"opinion": "fine"}, headers=who.officer), 403)
        # Replace the investigator; now the reviewer is independent.
        ok(await c.post(f"/cases/{cid}/investigators", json={"investigators": TEAM}, headers=who.officer))
        passed = ok(await c.post(f"/reviews/{review['id']}/pass", json={"opinion": "lawful"}, headers=who.reviewer))
        assert passed["status"] == "passed" and passed["reviewer_id"] == who.reviewer_id
        decision = ok(await c.post("/decisions", json=penalty(cid), headers=who.officer), 201)
        assert decision["decision_number"].startswith("沪市监罚〔") and decision["decision_number"].endswith("1号")
        # The reviewer may not then join the team (recusal runs both ways).
        body = problem(await c.post(f"/cases/{cid}/investigators",
                                    json={"investigators": [TEAM[0], {"officer_id": who.reviewer_id}]},
                                    headers=who.officer), 409)
        assert body["current_state"] == "decided"


async def test_hearing_right_thresholds_request_deadline_and_notice(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        # Below ¥100,000 for an organisation: no hearing right, requesting one is refused.
        small = await investigating(c, who)
        small = await step(c, who, small["id"], "notify_rights", {"penalty_kinds": ["fine"],
                                                                  "fine_amount": "99999.99"})
        assert small["hearing_right"] is False
        problem(await c.post(f"/cases/{small['id']}/request_hearing", json={}, headers=who.officer), 409)
        # Deciding a heavier penalty than the party was told of would skip its hearing right.
        await step(c, who, small["id"], "propose_decision")
        heavier = penalty(small["id"], "20000.00", penalty_kinds=["fine", "licence_revocation"])
        body = problem(await c.post("/decisions", json=heavier, headers=who.officer), 409)
        assert "hearing right" in body["detail"] and body["hearing_reasons"]

        # At ¥100,000: the right applies; asked after 5 working days -> refused.
        late = await investigating(c, who, uscc=USCC_B)
        late = await step(c, who, late["id"], "notify_rights", {"penalty_kinds": ["fine"], "fine_amount": "100000.00",
                                                                "on": days_ago(30)})
        assert late["hearing_right"] is True and late["hearing_request_due"] is not None
        body = problem(await c.post(f"/cases/{late['id']}/request_hearing", json={}, headers=who.officer), 422)
        assert rules(body) == {"hearing_request_deadline"}

        # In time: the hearing is held after a notice 7 working days ahead.
        heard = await investigating(c, who, uscc=USCC_C)
        await step(c, who, heard["id"], "notify_rights", {"penalty_kinds": ["licence_revocation"], "on": days_ago(30)})
        await step(c, who, heard["id"], "request_hearing", {"on": days_ago(29)})
        body = problem(await c.post(f"/cases/{heard['id']}/schedule_hearing",
                                    json={"notice_served_on": days_ago(25), "hearing_on": days_ago(22)},
                                    headers=who.officer), 422)
        assert rules(body) == {"hearing_notice_7_working_days"}
        await step(c, who, heard["id"], "schedule_hearing", {"notice_served_on": days_ago(28),
                                                             "hearing_on": days_ago(2)})
        done = await step(c, who, heard["id"], "conclude_hearing")
        # APL art. 58(1)(2): a heard case goes to legal review.
        assert done["state"] == "legal_review" and done["had_hearing"] is True


async def test_exemption_list_first_offence_and_education(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        rec = ok(await c.get("/discretion/food_labelling/recommendation",
                             params={"minor": "true", "corrected_promptly": "true", "harm": "none"}))
        assert rec["mandatory_no_penalty"] is True and rec["band"] == "no_penalty"
        assert rec["education_required"] is True and rec["reasons"]
        # APL art. 33(1): minor, corrected promptly, no harm -> no fine may be imposed.
        case = await ready_to_decide(c, who)
        no_harm = {"minor": True, "corrected_promptly": True, "harm": "none"}
        body = problem(await c.post("/decisions", json=penalty(case["id"], facts=no_harm), headers=who.officer), 422)
        assert rules(body) == {"mandatory_no_penalty"} and fields(body) == {"body.decision_kind"}
        waived = {"case_id": case["id"], "decision_kind": "no_penalty_minor", "legal_basis": "APL art. 33(1)",
                  "facts": no_harm}
        body = problem(await c.post("/decisions", json=waived, headers=who.officer), 422)
        assert fields(body) == {"body.education_given"}
        d = ok(await c.post("/decisions", json=waived | {"education_given": "explained the labelling rules"},
                            headers=who.officer), 201)
        assert d["publishable"] is False and d["education_given"] and d["discretion"]["mandatory_no_penalty"]

        # First violation, minor harm, corrected: may be waived - but only a first one.
        first = {"corrected_promptly": True, "harm": "minor"}
        rec = ok(await c.post("/discretion/food_labelling/recommendation", json=first | {"uscc": USCC_B},
                              headers=who.officer))
        assert rec["may_waive"] is True and rec["first_offence"] is True and rec["first_offence_source"] == "record"
        fined = await ready_to_decide(c, who, uscc=USCC_B)
        ok(await c.post("/decisions", json=penalty(fined["id"], "20000.00"), headers=who.officer), 201)
        rec = ok(await c.post("/discretion/food_labelling/recommendation", json=first | {"uscc": USCC_B},
                              headers=who.officer))
        assert rec["may_waive"] is False and rec["first_offence"] is False
        again = await ready_to_decide(c, who, uscc=USCC_B)
        body = problem(await c.post("/decisions", json={
            "case_id": again["id"], "decision_kind": "no_penalty_minor", "legal_basis": "APL art. 33(1)",
            "facts": first | {"first_offence": True}, "education_given": "talked"}, headers=who.officer), 422)
        assert rules(body) == {"exemption_not_applicable"}
        problem(await c.get("/discretion/no_such_type/recommendation"), 422)


async def test_evidence_hashes_and_reads_of_another_department(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who)
        cid = case["id"]
        bad = {"evidence_type": "photo", "title": "x", "sha256": "abc", "collected_on": days_ago(1)}
        body = problem(await c.post(f"/cases/{cid}/evidence", json=bad, headers=who.officer), 422)
        assert {"body.evidence_type", "body.sha256"} <= fields(body)
        item = ok(await c.post(f"/cases/{cid}/evidence", json={
            "evidence_type": "electronic_data", "title": "order export", "sha256": SHA.upper(),
            "collected_on": days_ago(1), "collected_by": ["officer-zhang", "officer-li"]}, headers=who.officer), 201)
        assert item["sha256"] == SHA
        # Another department: 403 on the case, its record and its steps; no token at all: 401.
        for path in (f"/cases/{cid}", f"/cases/{cid}/record", f"/cases/{cid}/history", f"/cases/{cid}/evidence"):
            problem(await c.get(path, headers=who.other), 403)
            problem(await c.get(path), 401)
        problem(await c.post(f"/cases/{cid}/notify_rights", json={"penalty_kinds": ["warning"]},
                             headers=who.other), 403)
        assert ok(await c.get("/cases", headers=who.other))["items"] == []
        # Auditors read it.
        record = ok(await c.get(f"/cases/{cid}/record", headers=who.auditor))
        # The clock job may add its own entries (the case is dated back); the officers' steps keep their order.
        steps = [h for h in record["history"] if h["action"] != "clock_flagged"]
        assert [h["action"] for h in steps] == ["lead_recorded", "review_lead", "file", "start_investigation",
                                                "evidence_added"]
        added = steps[-1]
        assert added["attachment_hashes"] == [SHA] and added["actor_client_id"] == "test-scjgj-case_officer"
        assert added["actor_department"] == "scjgj" and added["actor_roles"] == ["case_officer"]
        text = await c.get(f"/cases/{cid}/record", params={"format": "text"}, headers=who.officer)
        assert text.headers["content-type"].startswith("text/plain") and SHA in text.text
        page = await c.get(f"/cases/{cid}/record", params={"format": "html"}, headers=who.officer)
        assert page.headers["content-type"].startswith("text/html") and "<table>" in page.text
        assert ok(await c.get(f"/cases/{cid}/history", params={"limit": 2}, headers=who.officer))["next_cursor"]


async def test_transfer_to_another_department_starts_a_linked_lead_there(databases, authority):
    who = Callers(authority)
    yjj = Callers(authority, "yjj")
    async with service_client("casework", databases, authority) as c:
        case = await lead(c, who)
        problem(await c.post(f"/cases/{case['id']}/transfer", json={"to_department": "nowhere", "reason": "x"},
                             headers=who.officer), 422)
        moved = await step(c, who, case["id"], "transfer", {"to_department": "yjj", "reason": "the goods are drugs"})
        assert moved["state"] == "transferred" and moved["transferred_to"] == "yjj"
        leads = ok(await c.get("/cases", headers=yjj.officer))["items"]
        assert len(leads) == 1
        assert (leads[0]["source_kind"], leads[0]["source_ref"], leads[0]["state"]) == ("transfer", case["id"], "lead")
        problem(await c.get(f"/cases/{leads[0]['id']}", headers=who.officer), 403)


async def test_no_decision_while_the_party_may_still_ask_for_a_hearing(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who)
        # Never a penalty without prior notice (APL art. 44).
        await step(c, who, case["id"], "propose_decision")
        body = problem(await c.post("/decisions", json=penalty(case["id"]), headers=who.officer), 409)
        assert body["allowed"] == ["notify_rights"]
        await step(c, who, case["id"], "resume_investigation")
        await step(c, who, case["id"], "notify_rights", {"penalty_kinds": ["fine", "licence_revocation"],
                                                         "fine_amount": "20000.00"})
        await step(c, who, case["id"], "propose_decision")
        body = problem(await c.post("/decisions", json=penalty(case["id"], penalty_kinds=["fine", "licence_revocation"]),
                                    headers=who.officer), 409)
        assert "may request a hearing until" in body["detail"] and body["hearing_request_due"]


async def test_service_and_payment_clocks_and_the_late_fee(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await ready_to_decide(c, who)
        d = ok(await c.post("/decisions", json=penalty(case["id"], decided_on=days_ago(29)), headers=who.officer), 201)
        decided = ok(await c.get(f"/cases/{case['id']}", headers=who.officer))
        # 7 working days to serve (APL arts. 61, 85) are long over.
        assert decided["clock"]["name"] == "service" and decided["clock"]["status"] == "overdue"
        assert decided["clock"]["due"] == d["service_due"]
        served = ok(await c.post(f"/decisions/{d['id']}/serve", json={"served_on": days_ago(28)},
                                 headers=who.officer))
        assert served["payment_due"] == days_ago(13)  # 15 calendar days (art. 67)
        body = problem(await c.post(f"/cases/{case['id']}/close", json={}, headers=who.officer), 409)
        assert body["allowed"] == ["pay"]
        # 13 days late: 3% of ¥20,000 a day = ¥7,800 on top (art. 72).
        body = problem(await c.post(f"/decisions/{d['id']}/pay", json={"amount": "20000.00"}, headers=who.officer),
                       422)
        assert "owed 27800.00" in body["errors"][0]["message"]
        paid = ok(await c.post(f"/decisions/{d['id']}/pay", json={"amount": "27800.00"}, headers=who.officer))
        assert paid["late_fee"] == "7800.00"
        assert (await step(c, who, case["id"], "close"))["state"] == "closed"
        revoked = ok(await c.post(f"/decisions/{d['id']}/revoke", json={"reason": "annulled by the court"},
                                  headers=who.officer))
        assert revoked["status"] == "revoked" and revoked["withdrawal_due"]
        problem(await c.post(f"/decisions/{d['id']}/revoke", json={"reason": "again"}, headers=who.officer), 409)
