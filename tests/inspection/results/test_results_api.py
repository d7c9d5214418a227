"""Results, key inspections, publication deadlines and the object history through the API."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import nats
import pytest
from sqlalchemy import update

from services.inspection.directory.service import today
from services.inspection.models import Result
from shared.bus.streams import ensure_producer_stream
from shared.workdays import add_working_days
from tests.auth_support import service_client
from tests.inspection.helpers import (
    as_inspector,
    commit_and_draw,
    make_inspector,
    make_item,
    make_plan,
    seed_objects,
    uscc,
)

pytestmark = pytest.mark.anyio
HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


async def _drawn_task(c, authority):
    codes = await seed_objects(c.app, [{"uscc": uscc(i), "grade": "C"} for i in range(3)])
    item = await make_item(c, authority, "R-KEY", kind="key", matter_code="scjgj-001")
    inspectors = {i["id"]: i for i in [await make_inspector(c, authority, f"x{j}") for j in range(3)]}
    plan = await make_plan(c, authority, [item["id"]])
    await commit_and_draw(c, authority, plan["id"])
    tasks = (await c.get("/tasks", params={"plan_id": plan["id"], "uscc": codes[0]},
                         headers=authority.headers("scjgj", "admin"))).json()["items"]
    return codes, item, inspectors, plan, tasks[0]


async def test_only_assigned_inspectors_record_and_the_result_is_published_on_the_bus(databases, authority, nats_server):
    async with service_client("inspection", databases, authority, nats_server.url) as c:
        codes, item, inspectors, _plan, task = await _drawn_task(c, authority)
        outsider = next(i for i in inspectors.values() if i["id"] not in task["inspector_ids"])
        body = {"task_id": task["id"], "item_id": item["id"], "outcome": "problems_found",
                "problems": "expired food in the cold store", "inspected_on": today().isoformat(),
                "evidence": [{"sha256": HASH, "filename": "cold.jpg", "media_type": "image/jpeg", "size_bytes": 10}]}
        assert (await c.post("/results", json=body, headers=as_inspector(authority, outsider))).status_code == 403
        assert (await c.post("/results", json=body, headers=authority.headers("scjgj", "inspector"))).status_code == 403
        inspector = inspectors[task["inspector_ids"][0]]
        no_problems = await c.post("/results", json=body | {"problems": ""}, headers=as_inspector(authority, inspector))
        assert no_problems.status_code == 422 and no_problems.json()["errors"][0]["field"] == "body.problems"
        bad_hash = body | {"evidence": [body["evidence"][0] | {"sha256": "XYZ"}]}
        r = await c.post("/results", json=bad_hash, headers=as_inspector(authority, inspector))
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.evidence.0.sha256"
        future = body | {"inspected_on": (today() + timedelta(days=3)).isoformat()}
        assert (await c.post("/results", json=future, headers=as_inspector(authority, inspector))).status_code == 422

        r = await c.post("/results", json=body, headers=as_inspector(authority, inspector))
        assert r.status_code == 201, r.text
        result = r.json()
        # Published within 20 working days of the inspection.
        assert result["publication_due"] == add_working_days(today(), 20).isoformat()
        assert result["overdue"] is False and result["recorded_by"] == inspector["id"]
        again = await c.post("/results", json=body, headers=as_inspector(authority, inspector))
        assert again.status_code == 409

        nc = await nats.connect(nats_server.url)
        try:
            js = nc.jetstream()
            await ensure_producer_stream(js, "inspection")
            sub = await js.subscribe("sup.inspection.result.recorded", ordered_consumer=True)
            msg = await asyncio.wait_for(sub.next_msg(), timeout=10)
            data = json.loads(msg.data)
            assert data["result_id"] == result["id"] and data["outcome"] == "problems_found"
            assert data["evidence_hashes"] == [HASH] and data["item_codes"] == ["R-KEY"]
            assert data["matter_code"] == "scjgj-001" and data["uscc"] == codes[0]
        finally:
            await nc.close()

        obj = (await c.get(f"/objects/{codes[0]}", headers=authority.headers("scjgj", "inspector"))).json()
        assert sorted(obj["last_inspector_ids"]) == sorted(task["inspector_ids"])


async def test_publication_deadline_overdue_flag_and_history(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        codes, item, inspectors, _plan, task = await _drawn_task(c, authority)
        inspector = inspectors[task["inspector_ids"][1]]
        r = await c.post("/results", json={"task_id": task["id"], "item_id": item["id"], "outcome": "not_found",
                                           "inspected_on": today().isoformat()},
                         headers=as_inspector(authority, inspector))
        result = r.json()
        h = authority.headers("scjgj", "admin")
        assert (await c.get("/results", params={"overdue": "true"}, headers=h)).json()["items"] == []
        async with c.app.state.db.sessionmaker() as s:  # time passes: the deadline is behind us
            await s.execute(update(Result).where(Result.id == result["id"])
                            .values(publication_due=today() - timedelta(days=1)))
            await s.commit()
        overdue = (await c.get("/results", params={"overdue": "true"}, headers=h)).json()["items"]
        assert [x["id"] for x in overdue] == [result["id"]] and overdue[0]["overdue"] is True
        assert (await c.post(f"/results/{result['id']}/publish", headers=authority.headers("wjw", "admin"))).status_code == 403
        published = (await c.post(f"/results/{result['id']}/publish", headers=h)).json()
        assert published["published_on"] == today().isoformat() and published["overdue"] is False
        assert (await c.post(f"/results/{result['id']}/publish", headers=h)).status_code == 409

        history = (await c.get(f"/objects/{codes[0]}/history", headers=h)).json()["items"]
        steps = [e["step"] for e in history]
        assert steps == ["planned", "committed", "secret_revealed", "drawn", "assigned", "draw_completed",
                         "result_recorded", "published"]
        assert history[-1]["detail"]["on_time"] is False
        other = (await c.get(f"/objects/{codes[1]}/history", headers=h, params={"limit": 2})).json()
        assert [e["step"] for e in other["items"]] == ["planned", "committed"] and other["next_cursor"]
        rest = (await c.get(f"/objects/{codes[1]}/history", headers=h, params={"cursor": other["next_cursor"]})).json()
        assert [e["step"] for e in rest["items"]] == ["secret_revealed", "drawn", "assigned", "draw_completed"]
        assert (await c.get(f"/objects/{codes[0]}/history")).status_code == 401


async def test_key_inspection_by_hand_covers_key_items_with_its_reason(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        codes = await seed_objects(c.app, [{"uscc": uscc(50), "grade": "D"}])
        key = await make_item(c, authority, "KI-1", kind="key")
        general = await make_item(c, authority, "GI-1")
        health_key = await make_item(c, authority, "KI-W", kind="key", dept="wjw")
        await make_inspector(c, authority, "k1")
        h = authority.headers("scjgj", "inspector")
        body = {"uscc": codes[0], "item_ids": [key["id"]], "reason": "repeated 12345 complaints"}
        for bad, rule in (({"item_ids": [general["id"]]}, "key.items.kind"),
                          ({"item_ids": [health_key["id"]]}, "key.items.department"),
                          ({"uscc": uscc(51)}, "key.object.unknown")):
            r = await c.post("/key-inspections", json=body | bad, headers=h)
            assert r.status_code == 422 and r.json()["errors"][0]["rule"] == rule
        r = await c.post("/key-inspections", json=body | {"uscc": "91310000MA1FL4QT5"}, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.uscc"

        short = (await c.post("/key-inspections", json=body, headers=h)).json()
        assert short["kind"] == "key" and short["reason"] == "repeated 12345 complaints"
        assert short["inspector_ids"] == [] and "only 1 active qualified inspector" in short["unassigned_reason"]
        await make_inspector(c, authority, "k2")
        fixed = (await c.post(f"/tasks/{short['id']}/reassign", headers=h)).json()
        assert len(fixed["inspector_ids"]) == 2 and fixed["unassigned_reason"] is None
        assert (await c.post(f"/tasks/{short['id']}/reassign", headers=h)).status_code == 409
