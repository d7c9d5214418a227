"""Credit repair and objections through the API: eligibility, deadlines, decisions and their effects."""

from __future__ import annotations

import pytest

from shared.workdays import working_deadline
from tests.auth_support import service_client
from tests.credit.helpers import outbox_events, penalty, register, today

pytestmark = pytest.mark.anyio


async def _penalty(c, authority, uscc, **kw) -> dict:
    r = await c.post(f"/subjects/{uscc}/records", json=penalty(**kw), headers=authority.headers("scjgj", "case_officer"))
    assert r.status_code == 201, r.text
    return r.json()


def application(uscc: str, record_id: str, **kw) -> dict:
    body = {"uscc": uscc, "record_id": record_id, "applicant_name": "上海示例贸易有限公司",
            "applicant_contact": "13800000000", "obligations_performed": True, "harm_removed": True,
            "statement": "fine paid"}
    body.update(kw)
    return body


async def test_repair_by_the_public_decided_by_the_records_department(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        record = await _penalty(c, authority, uscc, days=400)
        assert (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()["grade"] == "B"

        r = await c.post("/repairs", json=application(uscc, record["id"]))
        assert r.status_code == 201, r.text
        a = r.json()
        assert a["applicant_kind"] == "public" and a["applicant_contact"] is None  # not echoed to the public
        assert a["decision_due"] == working_deadline(today(), 10).due.isoformat() and a["overdue"] is False
        dup = await c.post("/repairs", json=application(uscc, record["id"]))
        assert dup.status_code == 409

        decision = {"approve": True, "reason": "conditions met"}
        r = await c.post(f"/repairs/{a['id']}/decision", json=decision, headers=authority.headers("yjj", "credit_officer"))
        assert r.status_code == 403
        r = await c.post(f"/repairs/{a['id']}/decision", json=decision, headers=officer)
        assert r.status_code == 200 and r.json()["status"] == "approved"
        assert r.json()["removal_due"] == working_deadline(today(), 3).due.isoformat()
        approved = await outbox_events(c, "sup.credit.repair.approved", uscc)
        assert approved == [{"repair_id": a["id"], "uscc": uscc, "record_id": record["id"],
                             "source_ref": record["source_ref"], "decided_on": today().isoformat()}]
        # Publicity ended early: the record leaves the public view and the grade.
        assert (await c.get(f"/records/{record['id']}", headers=officer)).json()["status"] == "repaired"
        assert (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()["grade"] == "A"
        again = await c.post(f"/repairs/{a['id']}/decision", json=decision, headers=officer)
        assert again.status_code == 409 and again.json()["current_state"] == "approved"
        listed = (await c.get("/repairs", headers=officer)).json()["items"]
        assert [x["id"] for x in listed] == [a["id"]] and listed[0]["applicant_contact"] == "13800000000"
        assert (await c.get("/repairs", headers=authority.headers("yjj", "credit_officer"))).json()["items"] == []


async def test_repair_eligibility_is_checked(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        revocation = await _penalty(c, authority, uscc, days=400, penalty_kind="licence_revocation")
        r = await c.post("/repairs", json=application(uscc, revocation["id"]))
        assert r.status_code == 409 and any("never repaired early" in x for x in r.json()["reasons"])
        recent = await _penalty(c, authority, uscc, days=30, matter_code="scjgj-002")
        r = await c.post("/repairs", json=application(uscc, recent["id"]))
        assert r.status_code == 409 and any("minimum publicity period" in x for x in r.json()["reasons"])
        old = await _penalty(c, authority, uscc, days=500, matter_code="scjgj-003")
        r = await c.post("/repairs", json=application(uscc, old["id"], obligations_performed=False))
        assert r.status_code == 409 and any("obligations" in x for x in r.json()["reasons"])
        r = await c.post("/repairs", json={k: v for k, v in application(uscc, old["id"]).items()
                                           if k != "applicant_contact"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.applicant_contact"
        r = await c.post("/repairs", json=application(uscc, "0" * 36))
        assert r.status_code == 404
        assert (await c.post("/repairs", json=application(uscc, old["id"]),
                             headers=authority.headers("scjgj", "inspector"))).status_code == 403


async def test_objection_flagged_then_upheld_withdraws_the_record(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        record = await _penalty(c, authority, uscc, days=20)
        assert (await c.get(f"/subjects/{uscc}/grade", headers=authority.headers("yjj", "inspector"))).json()["grade"] == "B"
        r = await c.post("/objections", json={"uscc": uscc, "record_id": record["id"], "applicant_name": "张三",
                                              "applicant_contact": "zhang@example.cn", "grounds": "annulled on appeal"})
        assert r.status_code == 201, r.text
        o = r.json()
        assert o["flag_due"] == working_deadline(today(), 1).due.isoformat()
        assert o["decide_due"] == working_deadline(today(), 5).due.isoformat()
        assert o["status"] == "received" and not o["flag_overdue"]

        assert (await c.post(f"/objections/{o['id']}/flag", headers=authority.headers("yjj", "credit_officer"))
                ).status_code == 403
        r = await c.post(f"/objections/{o['id']}/flag", headers=officer)
        assert r.json()["status"] == "flagged"
        assert (await c.get(f"/records/{record['id']}", headers=officer)).json()["under_objection"] is True
        assert (await c.post(f"/objections/{o['id']}/flag", headers=officer)).status_code == 409

        r = await c.post(f"/objections/{o['id']}/decision", json={"upheld": True, "reason": "court annulled it"},
                         headers=officer)
        assert r.status_code == 200 and r.json()["status"] == "upheld"
        rec = (await c.get(f"/records/{record['id']}", headers=officer)).json()
        assert rec["status"] == "revoked" and rec["under_objection"] is False
        grade = (await c.get(f"/subjects/{uscc}/grade", headers=authority.headers("yjj", "inspector"))).json()
        assert grade["grade"] == "A" and record["id"] not in {x["record_id"] for x in grade["contributions"]}
        withdrawn = await outbox_events(c, "sup.credit.record.withdrawn", uscc)
        assert withdrawn[0]["source_ref"] == record["source_ref"]
        r = await c.post(f"/objections/{o['id']}/decision", json={"upheld": False, "reason": "x"}, headers=officer)
        assert r.status_code == 409
        r = await c.post(f"/objections/{o['id']}/decision", json={"upheld": False}, headers=officer)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.reason"


async def test_minor_penalty_repairable_at_once_under_credit_china_rules_not_national(databases, authority):
    """Credit China (2026-04-01): summary/minor penalties have no minimum period; the national system's
    3-month publicity of small fines simply runs out and is not repaired early."""
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        r = await c.post(f"/subjects/{uscc}/records", headers=authority.headers("scjgj", "case_officer"), json={
            "kind": "penalty", "matter_code": "scjgj-001", "legal_basis": "Food Safety Law art. 124",
            "decision_date": today().isoformat(), "severity": "minor", "penalty_kind": "fine", "amount": "3000.00",
            "summary": "small fine", "source_ref": "沪市监罚〔2026〕9号"})
        assert r.status_code == 201, r.text
        record = r.json()
        national = await c.post("/repairs", json=application(uscc, record["id"]))
        assert national.status_code == 409 and "runs out" in national.text
        china = await c.post("/repairs", json=application(uscc, record["id"]) | {"platform": "credit_china"})
        assert china.status_code == 201, china.text
        assert china.json()["platform"] == "credit_china"
