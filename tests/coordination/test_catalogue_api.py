"""The catalogue: public, versioned, effective-dated; published by the keeper; every version kept."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from services.coordination.catalogue import service as catalogue
from shared.catalogue.readmodel import sample_document
from shared.clock import shanghai_today
from tests.auth_support import service_client
from tests.credit.helpers import outbox_events

pytestmark = pytest.mark.anyio


async def with_sample(c) -> None:
    async with c.app.state.db.sessionmaker() as s:
        await catalogue.load_sample(s)
        await s.commit()


def next_version(label: str, days: int, **change) -> dict:
    doc = sample_document()
    doc.pop("sample")
    doc.update(version=label, effective_from=(shanghai_today() + timedelta(days=days)).isoformat(), **change)
    return doc


async def test_sample_catalogue_is_public_with_district_tier_approvals_and_an_entrustment(databases, authority):
    async with service_client("coordination", databases, authority, load_sample_catalogue=False) as c:
        assert (await c.get("/catalogue")).status_code == 404
        await with_sample(c)
        body = (await c.get("/catalogue")).json()
        assert body["sample"] is True and body["version"] == "sample-2026.1"
        depts = {d["code"]: d for d in body["departments"]}
        municipal = [d for d in depts.values() if d["level"] == "municipal" and d["kind"] == "department"]
        district_amr = [d for d in depts.values() if d["level"] == "district" and "registration_authority" in d["functions"]]
        assert len(municipal) >= 4 and len(district_amr) == 3
        assert {d["district"] for d in district_amr} == {"310101", "310104", "310115"}
        [team] = [d for d in depts.values() if d["kind"] == "enforcement_team"]
        [wt] = body["entrustments"]
        assert wt["entrustee"] == team["code"] and wt["entrustor"] == "xhscjgj"
        assert {a["status"] for a in body["approval_items"]} == {"in_force", "cancelled", "filing", "delegated",
                                                                 "entrusted"}
        matter = next(m for m in body["matters"] if m["code"] == "scjgj-001")
        assert {"main_item", "sub_item", "legal_basis", "supervisee_type", "approach", "level"} <= set(matter)
        bulk = await c.get("/catalogue/bulk/sample-2026.1.json")
        assert bulk.status_code == 200 and bulk.json()["version"] == "sample-2026.1"
        rows = list(csv.DictReader(io.StringIO((await c.get("/catalogue/bulk/matters.csv")).text)))
        assert {r["code"] for r in rows} >= {"scjgj-001", "yjj-001", "scjgj-006"}
        assert all(r["catalogue_version"] == "sample-2026.1" for r in rows)
        [event] = await outbox_events(c, "sup.coordination.catalogue.published")
        assert event["version"] == "sample-2026.1" and event["document"]["departments"]


async def test_a_new_version_takes_effect_on_its_date_and_the_old_one_is_kept(databases, authority):
    async with service_client("coordination", databases, authority, load_sample_catalogue=False) as c:
        await with_sample(c)
        keeper = authority.headers("szfbgt", "admin")
        doc = next_version("2027.1", 10)
        doc["matters"] = [m for m in doc["matters"] if m["code"] != "yjj-003"]
        for who in (authority.headers("scjgj", "admin"), authority.headers("szfbgt", "auditor")):
            r = await c.post("/catalogue/versions", json=doc, headers=who)
            assert r.status_code == 403, r.text
        r = await c.post("/catalogue/versions", json=doc, headers=keeper)
        assert r.status_code == 201, r.text
        assert (await c.post("/catalogue/versions", json=doc, headers=keeper)).json()["rule"] == \
            "catalogue.version_immutable"
        today, later = shanghai_today(), shanghai_today() + timedelta(days=10)
        now = (await c.get("/catalogue", params={"on": today.isoformat()})).json()
        then = (await c.get("/catalogue", params={"on": later.isoformat()})).json()
        assert now["version"] == "sample-2026.1" and "yjj-003" in {m["code"] for m in now["matters"]}
        assert then["version"] == "2027.1" and "yjj-003" not in {m["code"] for m in then["matters"]}
        versions = (await c.get("/catalogue/versions")).json()["items"]
        assert [(v["version"], v["effective_to"]) for v in versions] == [
            ("sample-2026.1", (later - timedelta(days=1)).isoformat()), ("2027.1", None)]
        assert len(await outbox_events(c, "sup.coordination.catalogue.published")) == 2


async def test_a_version_that_does_not_hold_together_is_a_422_naming_the_entry(databases, authority):
    async with service_client("coordination", databases, authority, load_sample_catalogue=False) as c:
        await with_sample(c)
        keeper = authority.headers("szfbgt", "admin")
        past = next_version("2019.1", -1)
        r = await c.post("/catalogue/versions", json=past, headers=keeper)
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "date.not_past"
        bad = next_version("2027.2", 1)
        item = next(a for a in bad["approval_items"] if a["status"] == "entrusted")
        item["supervising_department"] = "xhzhzf"  # the team: but it acts in the entrustor's name
        r = await c.post("/catalogue/versions", json=bad, headers=keeper)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["rule"] == "approval.supervisor_by_status"
        bad = next_version("2027.3", 1)
        bad["entrustments"][0]["matters"] = ["yjj-001"]  # not the entrustor's matter
        r = await c.post("/catalogue/versions", json=bad, headers=keeper)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.entrustments[0].matters"
        assert [v["version"] for v in (await c.get("/catalogue/versions")).json()["items"]] == ["sample-2026.1"]


async def test_the_catalogue_page_shows_the_version_in_force_and_says_it_is_sample(databases, authority):
    async with service_client("coordination", databases, authority, load_sample_catalogue=False) as c:
        await with_sample(c)
        r = await c.get("/catalogue/page")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        page = r.text
        assert "sample-2026.1" in page and "Sample data, not the official lists" in page
        assert "xhscjgj-wt-2026-01" in page and "310104" in page and "ap-food-vendor" in page
        before = await c.get("/catalogue/page", params={"on": "2019-12-31"})
        assert before.status_code == 404 and before.headers["content-type"] == "application/problem+json"
