"""Plans through the API: commit-reveal, strata ratios, joint plans, recusal, rotation, shortages."""

from __future__ import annotations

import asyncio
import json
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from services.inspection.models import Draw
from tests.auth_support import service_client
from tests.inspection.helpers import (
    as_inspector,
    commit,
    commit_and_draw,
    draw,
    make_inspector,
    make_item,
    make_plan,
    new_secret,
    published_record,
    reveal_all,
    seed_objects,
    uscc,
)

pytestmark = pytest.mark.anyio

# A population with all four grades, ungraded subjects and red-list subjects.
POPULATION = ([{"grade": "A"}] * 90 + [{"grade": "A", "red": True}] * 10 + [{"grade": "B"}] * 100
              + [{"grade": "C"}] * 100 + [{"grade": "D"}] * 80 + [{}] * 10
              + [{"grade": "B", "risk": "high"}] * 20 + [{"grade": "C", "risk": "medium"}] * 10
              + [{"grade": "A", "risk": "low"}] * 10)


# A commit body naming a beacon far ahead (for the requests that are refused before it matters).
COMMIT_BODY = {"secret_commitment": "ab" * 32,
               "beacon": {"source": "test beacon", "published_at": "2100-01-01T00:00:00Z"}}


def _specs() -> list[dict]:
    return [{"uscc": uscc(i), **s} for i, s in enumerate(POPULATION)]


async def test_draw_selects_per_stratum_at_the_ratios_and_verifies(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        await seed_objects(c.app, _specs() + [{"uscc": uscc(999), "grade": "A", "district": "310999"}])
        item = await make_item(c, authority, "SP-001")
        inspectors = [await make_inspector(c, authority, f"i{j}") for j in range(6)]
        plan = await make_plan(c, authority, [item["id"]], scope={"districts": ["310104"]})
        assert plan["ratio_version"] == "ratios-2026-12" and plan["ratios"]["D"] == "0.30"
        assert plan["ratios"]["risk_high"] == "3"

        h = authority.headers("scjgj", "admin")
        secrets = await commit(c, authority, plan["id"])
        committed = (await c.get(f"/plans/{plan['id']}", headers=h)).json()
        assert committed["population_count"] == len(POPULATION)  # the out-of-scope district is left out
        public = (await c.get(f"/public/plans/{plan['id']}")).json()
        assert public["seed_commitment"] == committed["seed_commitment"] and "seed" not in public
        assert secrets["scjgj"] not in json.dumps(public) and public["beacon"]["source"] == "test beacon"
        assert (await c.get(f"/public/draws/{plan['id']}")).status_code == 404  # nothing to reveal yet
        members = (await c.get(f"/public/plans/{plan['id']}/population", params={"limit": 5})).json()["items"]
        assert len(members) == 5 and all(set(m) == {"uscc", "district"} for m in members)  # grades stay internal
        await reveal_all(c, authority, plan["id"], secrets)

        summary = await draw(c, authority, plan["id"])
        record = await published_record(c, plan["id"])
        assert record["seed"] == summary["seed"]
        # Rounding rule: k = ceil(ratio x stratum size); red-list ratio = grade ratio x 0.5; risk: x 1, 2, 3.
        expected = {"A": ("0.03", 90), "A/red-list": ("0.015", 10), "B": ("0.05", 100), "C": ("0.10", 100),
                    "D": ("0.30", 80), "ungraded": ("0.05", 10), "B/risk-high": ("0.15", 20),
                    "C/risk-medium": ("0.20", 10), "A/risk-low": ("0.03", 10)}
        got = {s["name"]: s for s in record["strata"]}
        assert set(got) == set(expected)
        for name, (ratio, n) in expected.items():
            k = math.ceil(Decimal(ratio) * n)
            assert Decimal(got[name]["ratio"]) == Decimal(ratio) and got[name]["population"] == n
            assert got[name]["k"] == k and len(got[name]["selected"]) == k, name
        assert summary["selected_count"] == sum(s["k"] for s in record["strata"]) == 3 + 1 + 5 + 10 + 24 + 1 + 3 + 2 + 1
        assert record["ratio_table"]["risk_factors"] == {"low": "1", "medium": "2", "high": "3"}
        assert got["B/risk-high"]["risk_level"] == "high" and got["B"]["risk_level"] is None

        assigned = record["assignment"]["assigned"]
        ids = {i["id"] for i in inspectors}
        assert len(assigned) == summary["selected_count"]
        assert all(len(v) >= 2 and len(set(v)) == len(v) and set(v) <= ids for v in assigned.values())
        v = (await c.get(f"/public/draws/{plan['id']}/verification")).json()
        assert v == {"plan_id": plan["id"], "ok": True, "mismatches": []}

        again = await c.post(f"/plans/{plan['id']}/draw", json={"beacon_value": "1"}, headers=h)
        assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
        assert (await c.post(f"/plans/{plan['id']}/commit", json=COMMIT_BODY, headers=h)).status_code == 409

        tasks = (await c.get("/tasks", params={"plan_id": plan["id"], "limit": 200}, headers=h)).json()["items"]
        assert sorted(t["uscc"] for t in tasks) == sorted(assigned)


async def test_tampered_seed_or_population_fails_verification_through_the_api(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        await seed_objects(c.app, _specs()[:120])
        item = await make_item(c, authority, "SP-002")
        for j in range(3):
            await make_inspector(c, authority, f"t{j}")
        plan = await make_plan(c, authority, [item["id"]])
        await commit_and_draw(c, authority, plan["id"])
        record = await published_record(c, plan["id"])
        seed = bytearray.fromhex(record["seed"])
        seed[5] ^= 0x01
        async with c.app.state.db.sessionmaker() as s:
            stored = dict((await s.get(Draw, plan["id"])).record)
            await s.execute(update(Draw).where(Draw.plan_id == plan["id"]).values(record=stored | {"seed": seed.hex()}))
            await s.commit()
        v = (await c.get(f"/public/draws/{plan['id']}/verification")).json()
        assert not v["ok"] and any("commitment mismatch" in m for m in v["mismatches"])


async def test_recusal_rotation_and_shortage_reasons(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        codes = await seed_objects(c.app, [{"uscc": uscc(i), "grade": "B"} for i in range(3)])
        item = await make_item(c, authority, "KEY-001", kind="key")
        conflicted = await make_inspector(c, authority, "conflicted", interests=[codes[0]])
        others = [await make_inspector(c, authority, f"r{j}") for j in range(4)]
        plan1 = await make_plan(c, authority, [item["id"]])
        assert plan1["full_coverage"] is True
        await commit_and_draw(c, authority, plan1["id"])
        record = await published_record(c, plan1["id"])
        first = record["assignment"]["assigned"][codes[0]]
        assert conflicted["id"] not in first and len(first) == 2
        # Declared interests stay private: excluded sets (reasons withheld) and salted commitments only.
        assert all("interests" not in i and len(i["interests_commitment"]) == 64
                   for i in record["assignment"]["inspectors"])
        assert record["assignment"]["recusal"]["checked"] is True
        assert conflicted["id"] in record["assignment"]["excluded"][codes[0]]
        public_view = (await c.get(f"/inspectors/{conflicted['id']}", headers=authority.headers("scjgj", "inspector")))
        assert public_view.json()["interests"] is None

        task = (await c.get("/tasks", params={"plan_id": plan1["id"], "uscc": codes[0]},
                            headers=authority.headers("scjgj", "admin"))).json()["items"][0]
        by_id = {i["id"]: i for i in others}
        r = await c.post("/results", json={"task_id": task["id"], "item_id": item["id"], "outcome": "passed",
                                           "inspected_on": task["created_at"][:10]},
                         headers=as_inspector(authority, by_id[first[0]]))
        assert r.status_code == 201, r.text

        plan2 = await make_plan(c, authority, [item["id"]])
        await commit_and_draw(c, authority, plan2["id"])
        second = (await published_record(c, plan2["id"]))["assignment"]["assigned"][codes[0]]
        assert not set(second) & set(first), "not the same inspector as last time"
        assert conflicted["id"] not in second

        for ins in others[1:]:  # leave one ordinary inspector and the conflicted one
            await c.patch(f"/inspectors/{ins['id']}", json={"active": False}, headers=authority.headers("scjgj", "admin"))
        plan3 = await make_plan(c, authority, [item["id"]])
        await commit_and_draw(c, authority, plan3["id"])
        shown = (await c.get(f"/plans/{plan3['id']}", headers=authority.headers("scjgj", "admin"))).json()
        reasons = {u["uscc"]: u["reason"] for u in shown["unassigned"]}
        assert reasons[codes[0]] == "only 1 eligible inspector(s) after recusal (need 2)"
        assert (await c.get(f"/public/draws/{plan3['id']}/verification")).json()["ok"] is True


async def test_joint_plan_visits_each_object_once_with_one_inspector_per_department(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        await seed_objects(c.app, [{"uscc": uscc(i), "grade": "D"} for i in range(40)])
        market = await make_item(c, authority, "J-SCJG")
        health = await make_item(c, authority, "J-WJW", dept="wjw")
        for j in range(2):
            await make_inspector(c, authority, f"m{j}")
            await make_inspector(c, authority, f"h{j}", dept="wjw")
        lonely = await c.post("/plans", json={"name": "x", "item_ids": [market["id"]], "partner_departments": ["wjw"],
                                              "period_start": "2026-04-01", "period_end": "2026-06-30"},
                              headers=authority.headers("scjgj", "admin"))
        assert lonely.status_code == 422 and lonely.json()["errors"][0]["field"] == "body.partner_departments"
        plan = await make_plan(c, authority, [market["id"], health["id"]], partner_departments=["wjw"],
                               ratio_overrides={"D": "0.5"})
        assert plan["joint"] and plan["departments"] == ["scjgj", "wjw"] and plan["ratios"]["D"] == "0.5"
        forbidden = await c.post(f"/plans/{plan['id']}/commit", json=COMMIT_BODY, headers=authority.headers("wjw", "admin"))
        assert forbidden.status_code == 403
        await commit_and_draw(c, authority, plan["id"], partners=["wjw"])
        record = await published_record(c, plan["id"])
        assert record["ratio_table"]["overrides"] == {"D": "0.5"} and record["strata"][0]["k"] == 20
        depts = {i["id"]: i["department"] for i in record["assignment"]["inspectors"]}
        tasks = (await c.get("/tasks", params={"plan_id": plan["id"], "limit": 100},
                             headers=authority.headers("wjw", "inspector"))).json()["items"]
        assert len(tasks) == len({t["uscc"] for t in tasks}) == 20  # one visit per company
        for t in tasks:
            assert t["item_ids"] == [market["id"], health["id"]]
            assert sorted(depts[i] for i in t["inspector_ids"]) == ["scjgj", "wjw"]


async def test_plan_rules_and_bad_input(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        general = await make_item(c, authority, "G-1")
        key = await make_item(c, authority, "K-1", kind="key")
        h = authority.headers("scjgj", "admin")
        base = {"name": "p", "period_start": "2026-04-01", "period_end": "2026-06-30"}
        mixed = await c.post("/plans", json=base | {"item_ids": [general["id"], key["id"]]}, headers=h)
        assert mixed.status_code == 422 and mixed.json()["errors"][0]["rule"] == "plan.items.mixed_kinds"
        backwards = await c.post("/plans", json=base | {"item_ids": [general["id"]], "period_end": "2026-01-01"},
                                 headers=h)
        assert backwards.json()["errors"][0]["field"] == "body.period_end"
        bad_ratio = await c.post("/plans", json=base | {"item_ids": [general["id"]], "ratio_overrides": {"D": "1.5"}},
                                 headers=h)
        assert bad_ratio.status_code == 422 and bad_ratio.json()["errors"][0]["field"].startswith("body.ratio_overrides")
        public = await c.post("/plans", json=base | {"item_ids": [general["id"]]})
        assert public.status_code == 401
        empty = await make_plan(c, authority, [general["id"]], scope={"districts": ["nowhere"]})
        r = await c.post(f"/plans/{empty['id']}/commit", json=COMMIT_BODY, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "plan.population.empty"
        assert (await c.get(f"/plans/{empty['id']}", headers=h)).json()["status"] == "draft"  # nothing half-written
        drawn_early = await c.post(f"/plans/{empty['id']}/draw", json={"beacon_value": "1"}, headers=h)
        assert drawn_early.status_code == 409 and drawn_early.json()["current_state"] == "draft"
        assert (await c.get("/plans/x%00y", headers=h)).status_code == 400  # NUL in a path: the platform's 400
        assert (await c.get(f"/public/draws/{json.dumps('nope')[1:-1]}")).status_code == 404


async def test_joint_plan_cannot_be_committed_or_drawn_until_every_department_and_the_beacon_are_in(
        databases, authority):
    async with service_client("inspection", databases, authority) as c:
        await seed_objects(c.app, [{"uscc": uscc(i), "grade": "D"} for i in range(40)])
        market = await make_item(c, authority, "JG-SCJG")
        health = await make_item(c, authority, "JG-WJW", dept="wjw")
        for j in range(2):
            await make_inspector(c, authority, f"gm{j}")
            await make_inspector(c, authority, f"gh{j}", dept="wjw")
        plan = await make_plan(c, authority, [market["id"], health["id"]], partner_departments=["wjw"])
        lead, partner = authority.headers("scjgj", "admin"), authority.headers("wjw", "admin")

        early = await c.post(f"/plans/{plan['id']}/commit", json=COMMIT_BODY, headers=lead)
        assert early.status_code == 409 and early.json()["waiting_for"] == ["wjw"], early.text
        assert early.json()["rule"] == "draw.seed.every_department"
        past = COMMIT_BODY | {"beacon": {"source": "x", "published_at": "2020-01-01T00:00:00Z"}}
        (wjw_secret, wjw_commitment), (lead_secret, lead_commitment) = new_secret(), new_secret()
        r = await c.post(f"/plans/{plan['id']}/secret-commitment", json={"secret_commitment": wjw_commitment},
                         headers=partner)
        assert r.status_code == 200 and r.json()["committed"] == ["wjw"], r.text
        stale = await c.post(f"/plans/{plan['id']}/commit", json=past, headers=lead)
        assert stale.status_code == 422 and stale.json()["errors"][0]["rule"] == "draw.beacon.future"

        due = datetime.now(UTC) + timedelta(seconds=0.6)
        r = await c.post(f"/plans/{plan['id']}/commit", headers=lead, json={
            "secret_commitment": lead_commitment, "beacon": {"source": "t", "published_at": due.isoformat()}})
        assert r.status_code == 200, r.text
        not_yet = await c.post(f"/plans/{plan['id']}/draw", json={"beacon_value": "1"}, headers=lead)
        assert not_yet.status_code == 409 and not_yet.json()["rule"] == "draw.beacon.published"
        wrong = await c.post(f"/plans/{plan['id']}/reveal", json={"secret": lead_secret}, headers=partner)
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["rule"] == "draw.secret.commitment"
        r = await c.post(f"/plans/{plan['id']}/reveal", json={"secret": lead_secret}, headers=lead)
        assert r.status_code == 200 and r.json()["waiting_for"] == ["wjw"]

        await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 0.05)
        late = await c.post(f"/plans/{plan['id']}/reveal", json={"secret": wjw_secret}, headers=partner)
        assert late.status_code == 409 and late.json()["rule"] == "draw.reveal.before_beacon"
        blocked = await c.post(f"/plans/{plan['id']}/draw", json={"beacon_value": "1"}, headers=lead)
        assert blocked.status_code == 409 and blocked.json()["waiting_for"] == ["wjw"]
        assert (await c.get(f"/public/draws/{plan['id']}")).status_code == 404  # nothing drawn, nothing half-written
