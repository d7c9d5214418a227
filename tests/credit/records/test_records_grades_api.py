"""Credit records, publicity, the explained grade and the risk early warning, through the API."""

from __future__ import annotations

import pytest

from services.credit.rules.facts import add_months
from tests.auth_support import service_client
from tests.credit.helpers import days_ago, outbox_events, penalty, register, today

pytestmark = pytest.mark.anyio


async def test_department_writes_only_on_its_own_matters(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        r = await c.post(f"/subjects/{uscc}/records", json=penalty("yjj-001"),
                         headers=authority.headers("scjgj", "case_officer"))
        assert r.status_code == 403 and "yjj-001" in r.json()["detail"]
        r = await c.post(f"/subjects/{uscc}/records", json=penalty("yjj-001"),
                         headers=authority.headers("yjj", "case_officer"))
        assert r.status_code == 201 and r.json()["department"] == "yjj"
        assert (await c.post(f"/subjects/{uscc}/records", json=penalty())).status_code == 401
        added = await outbox_events(c, "sup.credit.record.added", uscc)
        assert [e["matter_code"] for e in added] == ["yjj-001"]


async def test_record_input_is_checked(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        h = authority.headers("scjgj", "case_officer")
        no_severity = {k: v for k, v in penalty().items() if k != "severity"}
        assert (await c.post(f"/subjects/{uscc}/records", json=no_severity, headers=h)).status_code == 422
        r = await c.post(f"/subjects/{uscc}/records", json=penalty(decision_date="2999-01-01"), headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.decision_date"
        r = await c.post(f"/subjects/{uscc}/records", json=penalty(kind="rumour"), headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.kind"
        r = await c.post(f"/subjects/{uscc}/records", json=penalty(amount="-5"), headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.amount"


async def test_penalty_publicity_periods_and_public_view(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        h = authority.headers("scjgj", "case_officer")
        day = today()

        async def add(**kw):
            r = await c.post(f"/subjects/{uscc}/records", json=penalty(days=0, **kw), headers=h)
            assert r.status_code == 201, r.text
            return r.json()

        warning = await add(penalty_kind="warning", amount=None, severity="minor")
        small = await add(penalty_kind="fine", amount="8000.00", severity="minor")
        large = await add(penalty_kind="fine", amount="80000.00")
        # Warnings are not published; small fines 3 months; other penalties 3 years.
        assert warning["publicity_start"] == warning["publicity_end"] == day.isoformat()
        assert small["publicity_end"] == add_months(day, 3).isoformat()
        assert large["publicity_end"] == add_months(day, 36).isoformat()
        assert large["publicity_rule_version"] == "national-2021.09"
        # The public reads published records from disclosure; the credit service answers departments only.
        assert (await c.get(f"/subjects/{uscc}/records")).status_code == 401
        dept = (await c.get(f"/subjects/{uscc}/records", headers=h)).json()["items"]
        assert {r["id"] for r in dept} == {warning["id"], small["id"], large["id"]}


async def test_negative_information_is_not_provided_after_five_years(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        h = authority.headers("scjgj", "case_officer")
        old = (await c.post(f"/subjects/{uscc}/records", json=penalty(days=5 * 365 + 3), headers=h)).json()
        recent = (await c.post(f"/subjects/{uscc}/records", json=penalty(days=4 * 365), headers=h)).json()
        honour = (await c.post(f"/subjects/{uscc}/records", headers=authority.headers("scjgj", "credit_officer"), json={
            "kind": "honour", "matter_code": "scjgj-002", "legal_basis": "municipal quality award",
            "decision_date": days_ago(6 * 365)})).json()
        ids = {r["id"] for r in (await c.get(f"/subjects/{uscc}/records", headers=h)).json()["items"]}
        assert old["id"] not in ids and {recent["id"], honour["id"]} <= ids


async def test_grade_is_explained_and_changes_with_a_record(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)  # wholesale: medium industry risk
        h = authority.headers("scjgj", "case_officer")
        g0 = (await c.get(f"/subjects/{uscc}/grade", headers=authority.headers("yjj", "inspector"))).json()
        assert (g0["grade"], g0["score"], g0["rule_set_version"]) == ("A", 15.0, "grading-2025.1")
        assert [x["kind"] for x in g0["contributions"]] == ["base", "industry_risk"]

        first = (await c.post(f"/subjects/{uscc}/records", json=penalty(days=30), headers=h)).json()
        g1 = (await c.get(f"/subjects/{uscc}/grade", headers=authority.headers("yjj", "inspector"))).json()
        assert (g1["grade"], g1["score"], g1["stored_grade"]) == ("B", 30.0, "B")
        mine = [x for x in g1["contributions"] if x["record_id"] == first["id"]]
        assert mine[0]["weight"] == 15.0 and mine[0]["department"] == "scjgj"
        assert "full weight" in mine[0]["reason"]
        assert "score 30 needs <= 15 for A" in g1["what_would_change"]

        second = (await c.post(f"/subjects/{uscc}/records", json=penalty(days=10, severity="serious"), headers=h)).json()
        g2 = (await c.get(f"/subjects/{uscc}/grade", headers=authority.headers("yjj", "inspector"))).json()
        assert (g2["grade"], g2["score"]) == ("D", 65.0)
        assert {x["record_id"] for x in g2["contributions"]} >= {first["id"], second["id"]}
        assert (await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))).json()["grade"] == "D"
        changes = await outbox_events(c, "sup.credit.grade.changed", uscc)
        assert [(e["previous_grade"], e["grade"]) for e in changes] == [("A", "B"), ("B", "D")]

        # A record that does not move the grade emits no grade change.
        await c.post(f"/subjects/{uscc}/records", json=penalty(days=5, severity="minor"), headers=h)
        assert len(await outbox_events(c, "sup.credit.grade.changed", uscc)) == 2


async def test_risk_alert_once_per_crossing_with_reasons(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        h = authority.headers("scjgj", "case_officer")
        for severity in ("general", "serious"):
            await c.post(f"/subjects/{uscc}/records", json=penalty(severity=severity), headers=h)
        assert await outbox_events(c, "sup.credit.risk.alerted", uscc) == []
        await c.post(f"/subjects/{uscc}/records", json=penalty(), headers=h)
        alerts = await outbox_events(c, "sup.credit.risk.alerted", uscc)
        assert len(alerts) == 1 and alerts[0]["score"] == 53.0 and alerts[0]["model_version"] == "risk-2025.1"
        await c.post(f"/subjects/{uscc}/records", json=penalty(), headers=h)
        assert len(await outbox_events(c, "sup.credit.risk.alerted", uscc)) == 1

        risk = (await c.get(f"/subjects/{uscc}/risk", headers=h)).json()
        assert risk["alert"] and risk["level"] == "high" and risk["score"] == 63.0
        assert any("serious penalty" in r for r in risk["reasons"])
        assert any("industry risk medium: +8" in r for r in risk["reasons"])
        assert (await c.get(f"/subjects/{uscc}/risk")).status_code == 401
