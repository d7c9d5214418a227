"""Credit lists and the credit check before acting, through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from services.credit.models import ListEntry
from services.credit.rules.facts import add_years
from tests.auth_support import service_client
from tests.credit.helpers import days_ago, outbox_events, penalty, register, today

pytestmark = pytest.mark.anyio


async def test_abnormal_list_entry_floor_measures_and_exit_once_corrected(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        r = await c.post("/lists/abnormal/entries", json={"uscc": uscc, "reasons": ["looks_dodgy"]}, headers=officer)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.reasons"
        assert (await c.post("/lists/abnormal/entries", json={"uscc": uscc, "reasons": ["annual_report_not_filed"]},
                             headers=authority.headers("scjgj", "inspector"))).status_code == 403
        r = await c.post("/lists/abnormal/entries", headers=officer, json={
            "uscc": uscc, "reasons": ["annual_report_not_filed"], "entered_on": days_ago(10)})
        assert r.status_code == 201, r.text
        entry = r.json()
        assert "Interim Measures on Abnormal Operations Lists art. 4(1)" in entry["basis"]
        again = await c.post("/lists/abnormal/entries", json={"uscc": uscc, "reasons": ["false_information"]},
                             headers=officer)
        assert again.status_code == 409

        subject = (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()
        assert subject["lists"] == ["abnormal"] and subject["grade"] == "C"  # the abnormal list floor
        grade = (await c.get(f"/subjects/{uscc}/grade", headers=authority.headers("yjj", "inspector"))).json()
        assert (grade["score_grade"], grade["grade"]) == ("A", "C") and grade["list_effects"]

        # Credit check before acting: any department role, measures with their basis.
        assert (await c.get(f"/subjects/{uscc}/measures")).status_code == 401
        m = (await c.get(f"/subjects/{uscc}/measures", headers=authority.headers("jtw", "inspector"))).json()
        codes = {x["code"]: x for x in m["measures"]}
        assert set(codes) == {"restricted_public_procurement", "no_honours", "more_frequent_inspections"}
        assert codes["restricted_public_procurement"]["trigger"] == "abnormal list"
        assert "art. 18" in codes["restricted_public_procurement"]["basis"]

        r = await c.post(f"/lists/entries/{entry['id']}/exit", json={"corrected": False}, headers=officer)
        assert r.status_code == 409 and "not corrected" in r.json()["detail"]
        r = await c.post(f"/lists/entries/{entry['id']}/exit", headers=officer,
                         json={"corrected": True, "reason": "annual report filed"})
        assert r.status_code == 200 and r.json()["exited_on"] == today().isoformat()
        assert (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()["grade"] == "A"
        again = await c.post(f"/lists/entries/{entry['id']}/exit", json={"corrected": True}, headers=officer)
        assert again.status_code == 409
        assert len(await outbox_events(c, "sup.credit.list.entered", uscc)) == 1
        exited = await outbox_events(c, "sup.credit.list.exited", uscc)
        assert exited[0]["list_kind"] == "abnormal" and exited[0]["reason"] == "annual report filed"
        kinds = [r["kind"] for r in (await c.get(f"/subjects/{uscc}/records", headers=officer)).json()["items"]]
        assert kinds == ["abnormal_exit", "abnormal_entry"]
        members = (await c.get("/lists/abnormal/entries", params={"include_exited": True}, headers=authority.headers("yjj", "inspector"))).json()["items"]
        assert [e["id"] for e in members] == [entry["id"]]
        assert (await c.get("/lists/abnormal/entries", headers=authority.headers("yjj", "inspector"))).json()["items"] == []


async def test_serious_dishonesty_grounds_joint_punishment_and_exit_conditions(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        r = await c.post("/lists/serious_dishonesty/entries", json={"uscc": uscc, "reasons": ["bad_reviews"]},
                         headers=officer)
        assert r.status_code == 422 and "not a statutory ground" in r.json()["detail"]
        decision = (await c.post(f"/subjects/{uscc}/records", json=penalty(days=200),
                                 headers=authority.headers("scjgj", "case_officer"))).json()
        r = await c.post("/lists/serious_dishonesty/entries", headers=officer, json={
            "uscc": uscc, "reasons": ["refusing_to_perform"], "entered_on": days_ago(200),
            "source_ref": decision["source_ref"], "source_date": days_ago(200)})
        assert r.status_code == 201, r.text
        entry = r.json()
        assert (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()["grade"] == "D"
        m = (await c.get(f"/subjects/{uscc}/measures", headers=authority.headers("wjw", "case_officer"))).json()
        codes = {x["code"] for x in m["measures"]}
        assert {"restricted_market_entry", "restricted_public_procurement", "restricted_public_funding",
                "no_honours", "restricted_posts", "no_notification_commitment"} <= codes
        r = await c.post(f"/lists/entries/{entry['id']}/exit", json={"obligations_performed": True}, headers=officer)
        assert r.status_code == 409 and any("early removal possible from" in x for x in r.json()["reasons"])


async def test_red_list_needs_eligibility_and_gives_rewards(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        r = await c.post("/lists/red/entries", json={"uscc": uscc}, headers=officer)
        assert r.status_code == 409 and any("no honour" in x for x in r.json()["reasons"])
        await c.post(f"/subjects/{uscc}/records", headers=officer, json={
            "kind": "honour", "matter_code": "scjgj-002", "legal_basis": "municipal quality award",
            "decision_date": days_ago(100)})
        r = await c.post("/lists/red/entries", json={"uscc": uscc}, headers=officer)
        assert r.status_code == 201, r.text
        m = (await c.get(f"/subjects/{uscc}/measures", headers=officer)).json()
        assert {x["code"] for x in m["measures"]} == {"fast_track_licensing", "fewer_inspections",
                                                     "priority_public_support"}
        assert all(x["kind"] == "reward" for x in m["measures"])
        # A penalty now would make the subject ineligible: a second subject shows the refusal.
        other = await register(c, authority)
        await c.post(f"/subjects/{other}/records", json=penalty(), headers=authority.headers("scjgj", "case_officer"))
        r = await c.post("/lists/red/entries", json={"uscc": other}, headers=officer)
        assert r.status_code == 409 and any("penalty" in x for x in r.json()["reasons"])


async def test_three_years_on_abnormal_list_escalates_to_serious_dishonesty(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        old, young = await register(c, authority), await register(c, authority)
        due = add_years(today(), -3)
        for uscc, entered in ((old, due), (young, due + timedelta(days=1))):
            r = await c.post("/lists/abnormal/entries", headers=officer, json={
                "uscc": uscc, "reasons": ["unreachable_at_address"], "entered_on": entered.isoformat(),
                "source_ref": f"沪市监异〔{entered.year}〕{entered.toordinal()}号", "source_date": entered.isoformat()})
            assert r.status_code == 201, r.text
        assert (await c.post("/lists/sweep", headers=authority.headers("scjgj", "inspector"))).status_code == 403
        report = (await c.post("/lists/sweep", headers=officer)).json()
        assert len(report["escalated"]) == 1
        assert (await c.get(f"/subjects/{old}", headers=authority.headers("yjj", "inspector"))).json()["lists"] == ["abnormal", "serious_dishonesty"]
        assert (await c.get(f"/subjects/{old}", headers=authority.headers("yjj", "inspector"))).json()["grade"] == "D"
        assert (await c.get(f"/subjects/{young}", headers=authority.headers("yjj", "inspector"))).json()["lists"] == ["abnormal"]
        serious = (await c.get("/lists/serious_dishonesty/entries", headers=authority.headers("yjj", "inspector"))).json()["items"]
        assert [(e["uscc"], e["reason"]) for e in serious] == [(old, "escalated_from_abnormal")]
        assert (await c.post("/lists/sweep", headers=officer)).json()["escalated"] == []

        # Serious dishonesty entries leave the list after 3 years.
        async with c.app.state.db.sessionmaker() as s:
            await s.execute(update(ListEntry).where(ListEntry.id == serious[0]["id"])
                            .values(entered_on=add_years(today(), -3)))
            await s.commit()
        report = (await c.post("/lists/sweep", headers=officer)).json()
        assert report["removed"] == [serious[0]["id"]]
        assert "serious_dishonesty" not in (await c.get(f"/subjects/{old}", headers=authority.headers("yjj", "inspector"))).json()["lists"]
