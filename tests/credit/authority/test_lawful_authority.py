"""Issue 12's findings, replayed as department systems would: every write on a subject names the acting
department's own matter and basis, within its jurisdiction, checked against the catalogue in force on the
date of the act (the sample catalogue: scjgj municipal, district market regulation hpscjgj 310101,
xhscjgj 310104, pdscjgj 310115; xhzhzf the Xuhui enforcement team entrusted with scjgj-006)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.credit.models import catalogue
from shared.catalogue.readmodel import sample_document
from shared.clock import shanghai_today
from shared.contracts.coordination import CatalogueVersionPublished
from tests.auth_support import service_client
from tests.credit.helpers import (
    days_ago,
    outbox_events,
    penalty,
    register,
    subject_body,
)

pytestmark = pytest.mark.anyio


def problem(r, status: int, rule: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert rule in {body.get("rule"), *(e.get("rule") for e in body.get("errors") or [])}, body


async def decided(c, authority, uscc: str, dept: str = "scjgj", matter: str = "scjgj-001", **kw) -> dict:
    r = await c.post(f"/subjects/{uscc}/records", json=penalty(matter, **kw),
                     headers=authority.headers(dept, "case_officer"))
    assert r.status_code == 201, r.text
    return r.json()


async def test_drug_administration_cannot_list_a_company_on_market_regulations_decision(databases, authority):
    async with service_client("credit", databases, authority) as c:
        reader = authority.headers("scjgj", "auditor")
        uscc = await register(c, authority)
        decision = await decided(c, authority, uscc, severity="serious")
        body = {"uscc": uscc, "reasons": ["refusing_to_perform"], "source_ref": decision["source_ref"]}
        r = await c.post("/lists/serious_dishonesty/entries", json=body,
                         headers=authority.headers("yjj", "credit_officer"))
        problem(r, 403, "list.serious.decision_not_own")
        subject = (await c.get(f"/subjects/{uscc}", headers=reader)).json()
        assert subject["lists"] == [] and subject["grade"] != "D"
        assert await outbox_events(c, "sup.credit.list.entered", uscc) == []
        # No decision cited, or one that is not on file: no listing either.
        officer = authority.headers("scjgj", "credit_officer")
        r = await c.post("/lists/serious_dishonesty/entries", json=body | {"source_ref": None}, headers=officer)
        problem(r, 422, "list.serious.decision_required")
        r = await c.post("/lists/serious_dishonesty/entries", json=body | {"source_ref": "沪市监处〔2026〕9999号"},
                         headers=officer)
        problem(r, 422, "list.serious.decision_unknown")
        # The escalation ground is the sweep's alone.
        r = await c.post("/lists/serious_dishonesty/entries", json=body | {"reasons": ["escalated_from_abnormal"]},
                         headers=officer)
        problem(r, 422, "list.ground.sweep_only")
        # The department whose matter the decision is on may.
        r = await c.post("/lists/serious_dishonesty/entries", json=body, headers=officer)
        assert r.status_code == 201, r.text


async def test_ecology_bureau_cannot_backdate_an_abnormal_entry_into_the_serious_list(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        three_years = (shanghai_today() - timedelta(days=3 * 365 + 1)).isoformat()
        body = {"uscc": uscc, "reasons": ["annual_report_not_filed"], "entered_on": three_years}
        r = await c.post("/lists/abnormal/entries", json=body, headers=authority.headers("sthjj", "credit_officer"))
        problem(r, 403, "list.abnormal.registration_authority_only")
        # Even the registration authority cannot date an entry years back without the act of that date.
        officer = authority.headers("scjgj", "credit_officer")
        r = await c.post("/lists/abnormal/entries", json=body, headers=officer)
        problem(r, 422, "list.entry_backdated")
        r = await c.post("/lists/abnormal/entries", json=body | {"source_ref": "沪市监异〔2023〕1号",
                                                                 "source_date": days_ago(3)}, headers=officer)
        problem(r, 422, "list.entry_backdated")
        sweep = (await c.post("/lists/sweep", headers=officer)).json()
        assert sweep["escalated"] == []
        assert (await c.get(f"/subjects/{uscc}", headers=officer)).json()["lists"] == []
        # Within the tolerance: accepted.
        r = await c.post("/lists/abnormal/entries", json=body | {"entered_on": days_ago(3)}, headers=officer)
        assert r.status_code == 201, r.text


async def test_only_the_entering_department_takes_an_entry_off_a_list(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        officer = authority.headers("scjgj", "credit_officer")
        entry = (await c.post("/lists/abnormal/entries", headers=officer, json={
            "uscc": uscc, "reasons": ["annual_report_not_filed"]})).json()
        for dept in ("sthjj", "yjj", "xhscjgj"):
            r = await c.post(f"/lists/entries/{entry['id']}/exit", json={"corrected": True, "reason": "filed"},
                             headers=authority.headers(dept, "credit_officer"))
            problem(r, 403, "list.exit.entering_department_only")
        assert (await c.get(f"/lists/entries/{entry['id']}", headers=officer)).json()["exited_on"] is None
        assert await outbox_events(c, "sup.credit.list.exited", uscc) == []
        r = await c.post(f"/lists/entries/{entry['id']}/exit", json={"corrected": True, "reason": "filed"},
                         headers=officer)
        assert r.status_code == 200
        [exited] = await outbox_events(c, "sup.credit.list.exited", uscc)
        assert exited["department"] == "scjgj"


async def test_only_the_registration_authority_changes_or_revokes_a_registration(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority, district="310104")
        for dept in ("sthjj", "yjj", "hpscjgj"):  # hpscjgj: a registration authority, but of Huangpu
            h = authority.headers(dept, "credit_officer")
            rule = "jurisdiction.outside_district" if dept == "hpscjgj" else "registry.registration_authority_only"
            r = await c.patch(f"/subjects/{uscc}", json={"registered_address": "上海市某处"}, headers=h)
            problem(r, 403, rule)
            r = await c.post(f"/subjects/{uscc}/deregistration", json={"status": "revoked",
                                                                       "effective_on": days_ago(1)}, headers=h)
            problem(r, 403, rule)
        subject = (await c.get(f"/subjects/{uscc}", headers=authority.headers("scjgj", "auditor"))).json()
        assert subject["status"] == "active" and subject["version"] == 1
        assert await outbox_events(c, "sup.credit.subject.updated", uscc) == []
        r = await c.post("/subjects", json=subject_body(district="310104"),
                         headers=authority.headers("sthjj", "credit_officer"))
        problem(r, 403, "registry.registration_authority_only")
        xuhui = authority.headers("xhscjgj", "credit_officer")
        r = await c.patch(f"/subjects/{uscc}", json={"registered_address": "上海市徐汇区漕溪北路1号"}, headers=xuhui)
        assert r.status_code == 200, r.text


async def test_a_penalty_record_comes_only_from_a_decision_by_a_case_officer(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        big = penalty(severity="serious", amount="500000.00", source_ref=None)
        r = await c.post(f"/subjects/{uscc}/records", json=big, headers=authority.headers("scjgj", "inspector"))
        problem(r, 403, "record.penalty.filer")
        r = await c.post(f"/subjects/{uscc}/records", json=big, headers=authority.headers("scjgj", "credit_officer"))
        problem(r, 403, "record.penalty.filer")
        r = await c.post(f"/subjects/{uscc}/records", json=big, headers=authority.headers("scjgj", "case_officer"))
        problem(r, 422, "record.penalty.decision_required")
        auditor = authority.headers("scjgj", "auditor")
        assert (await c.get(f"/subjects/{uscc}/records", headers=auditor)).json()["items"] == []
        assert (await c.get(f"/subjects/{uscc}", headers=auditor)).json()["grade"] == "A"
        r = await c.post(f"/subjects/{uscc}/records", json=big | {"source_ref": "沪市监处〔2026〕77号"},
                         headers=authority.headers("scjgj", "case_officer"))
        assert r.status_code == 201, r.text


async def test_district_bureaus_act_in_their_district_and_teams_on_entrusted_matters(databases, authority):
    async with service_client("credit", databases, authority) as c:
        xuhui, huangpu = await register(c, authority, district="310104"), await register(c, authority, district="310101")
        r = await c.post(f"/subjects/{huangpu}/records", json=penalty(),
                         headers=authority.headers("xhscjgj", "case_officer"))
        problem(r, 403, "jurisdiction.outside_district")
        assert (await decided(c, authority, xuhui, dept="xhscjgj"))["department"] == "xhscjgj"
        team = authority.headers("xhzhzf", "case_officer")
        r = await c.post(f"/subjects/{xuhui}/records", json=penalty(), headers=team)
        problem(r, 403, "authority.matter_not_own")  # scjgj-001 is not entrusted to the team
        r = await c.post(f"/subjects/{huangpu}/records", json=penalty("scjgj-006"), headers=team)
        problem(r, 403, "jurisdiction.outside_district")
        r = await c.post(f"/subjects/{xuhui}/records", json=penalty("scjgj-006"), headers=team)
        assert r.status_code == 201, r.text
        record = r.json()
        # Entrusted enforcement is in the entrustor's name; the record shows both.
        assert (record["department"], record["acting_body"]) == ("xhscjgj", "xhzhzf")


async def test_authority_is_judged_by_the_catalogue_in_force_on_the_date_of_the_act(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority)
        doc = sample_document()
        doc["version"], doc["effective_from"], doc["sample"] = "test-today", shanghai_today().isoformat(), True
        doc["matters"] = [m for m in doc["matters"] if m["code"] != "yjj-003"]
        async with c.app.state.db.sessionmaker() as s:  # what the catalogue consumer does on the event
            await catalogue.apply(s, CatalogueVersionPublished(
                version=doc["version"], effective_from=doc["effective_from"], published_at="2026-12-01T00:00:00Z",
                sample=True, document=doc))
            await s.commit()
        h = authority.headers("yjj", "case_officer")
        r = await c.post(f"/subjects/{uscc}/records", json=penalty("yjj-003", days=0), headers=h)
        problem(r, 403, "authority.matter_not_own")
        assert "test-today" in r.json()["detail"]
        r = await c.post(f"/subjects/{uscc}/records", json=penalty("yjj-003", days=2), headers=h)
        assert r.status_code == 201, r.text
