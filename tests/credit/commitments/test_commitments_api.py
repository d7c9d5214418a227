"""Notification and commitment through the API: excluded fields, verification, rectification, revocation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.auth_support import service_client
from tests.credit.helpers import days_ago, outbox_events, register

pytestmark = pytest.mark.anyio


def grant_body(uscc: str, **kw) -> dict:
    body = {"uscc": uscc, "matter_code": "scjgj-004", "field": "advertising", "licence_number": "沪广告承诺〔2026〕0012",
            "promise": "premises meet the conditions", "granted_on": days_ago(70)}
    body.update(kw)
    return body


async def test_excluded_fields_and_own_matters_only(databases, authority):
    async with service_client("credit", databases, authority) as c:
        h = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        for field in ("public_safety", "ecology_environment", "health", "life_property_safety"):
            r = await c.post("/commitments", json=grant_body(uscc, field=field), headers=h)
            assert r.status_code == 422, field
            err = r.json()["errors"][0]
            assert err["field"] == "body.field" and err["rule"] == "commitment.excluded_field"
            assert "Guobanfa [2020] No. 42" in err["message"]
        r = await c.post("/commitments", json=grant_body(uscc, matter_code="jtw-001"), headers=h)
        assert r.status_code == 403 and "jtw-001" in r.json()["detail"]
        r = await c.post("/commitments", json=grant_body(uscc, granted_on="2026-13-01"), headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.granted_on"


async def test_broken_promise_not_rectified_revokes_the_licence(databases, authority):
    async with service_client("credit", databases, authority) as c:
        h = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        r = await c.post("/commitments", json=grant_body(uscc), headers=h)
        assert r.status_code == 201, r.text
        granted = r.json()
        assert granted["verification_due"] == (date.fromisoformat(days_ago(70)) + timedelta(days=60)).isoformat()
        assert granted["verification_overdue"] is True
        added = await outbox_events(c, "sup.credit.record.added", uscc)
        assert added[0]["kind"] == "licence_commitment" and added[0]["source_ref"] == "沪广告承诺〔2026〕0012"

        cid = granted["id"]
        other = authority.headers("yjj", "credit_officer")
        assert (await c.post(f"/commitments/{cid}/verification", json={"kept": False}, headers=other)).status_code == 403
        r = await c.post(f"/commitments/{cid}/verification", headers=h,
                         json={"kept": False, "verified_on": days_ago(40), "detail": "no fire exit"})
        assert r.status_code == 200
        broken = r.json()
        assert broken["status"] == "rectifying" and broken["rectification_due"] == days_ago(10)
        assert broken["rectification_overdue"] is True
        again = await c.post(f"/commitments/{cid}/verification", json={"kept": True}, headers=h)
        assert again.status_code == 409 and again.json()["current_state"] == "rectifying"
        late = await c.post(f"/commitments/{cid}/rectification", json={}, headers=h)
        assert late.status_code == 409 and "has passed" in late.json()["detail"]

        report = (await c.post("/commitments/sweep", headers=h)).json()
        assert report["revoked"] == [cid]
        revoked = (await c.get(f"/commitments/{cid}", headers=h)).json()
        assert revoked["status"] == "revoked" and revoked["outcome_record_id"]
        records = (await c.get(f"/subjects/{uscc}/records", params={"kind": "commitment_broken"}, headers=h)).json()
        assert [r["id"] for r in records["items"]] == [revoked["outcome_record_id"]]
        assert (await c.post("/commitments/sweep", headers=h)).json()["revoked"] == []

        # A broken commitment bars the subject from the commitment route for a period.
        m = (await c.get(f"/subjects/{uscc}/measures", headers=h)).json()
        assert "no_notification_commitment" in {x["code"] for x in m["measures"]}
        r = await c.post("/commitments", json=grant_body(uscc, granted_on=days_ago(0)), headers=h)
        assert r.status_code == 409 and "broken commitment" in r.json()["detail"]


async def test_kept_and_rectified_promises(databases, authority):
    async with service_client("credit", databases, authority) as c:
        h = authority.headers("scjgj", "case_officer")
        uscc = await register(c, authority)
        kept = (await c.post("/commitments", json=grant_body(uscc, granted_on=days_ago(5)), headers=h)).json()
        r = await c.post(f"/commitments/{kept['id']}/verification", json={"kept": True}, headers=h)
        assert r.json()["status"] == "kept" and r.json()["outcome_record_id"]
        fixed = (await c.post("/commitments", json=grant_body(uscc, granted_on=days_ago(5)), headers=h)).json()
        await c.post(f"/commitments/{fixed['id']}/verification", json={"kept": False}, headers=h)
        r = await c.post(f"/commitments/{fixed['id']}/rectification", json={"detail": "fire exit built"}, headers=h)
        assert r.status_code == 200 and r.json()["status"] == "rectified"
        assert (await c.post("/commitments/sweep", headers=authority.headers("scjgj", "credit_officer"))
                ).json()["revoked"] == []
        listed = (await c.get("/commitments", params={"uscc": uscc}, headers=h)).json()["items"]
        assert sorted(x["status"] for x in listed) == ["kept", "rectified"]
