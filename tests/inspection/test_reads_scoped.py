"""Inspection tasks are listed under the same department rule as they are read by id: a department
lists only the tasks it takes part in (auditors: all), so the list leaks no other department's
key inspections and their reasons."""

from __future__ import annotations

import pytest

from tests.auth_support import service_client
from tests.inspection.helpers import make_inspector, make_item, seed_objects, uscc

pytestmark = pytest.mark.anyio


async def test_another_department_neither_reads_nor_lists_a_key_task(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        codes = await seed_objects(c.app, [{"uscc": uscc(60), "grade": "D"}])
        key = await make_item(c, authority, "KI-1", kind="key")
        await make_inspector(c, authority, "k1")
        own = authority.headers("scjgj", "inspector")
        r = await c.post("/key-inspections", headers=own,
                         json={"uscc": codes[0], "item_ids": [key["id"]], "reason": "repeated 12345 complaints"})
        assert r.status_code == 201, r.text
        task = r.json()
        other = authority.headers("yjj", "inspector")
        assert (await c.get(f"/tasks/{task['id']}", headers=other)).status_code == 403
        listed = (await c.get("/tasks", headers=other)).json()["items"]
        assert listed == [], "the list showed another department's task"
        assert [t["id"] for t in (await c.get("/tasks", headers=own)).json()["items"]] == [task["id"]]
        auditor = authority.headers("sthjj", "auditor")
        assert [t["id"] for t in (await c.get("/tasks", headers=auditor)).json()["items"]] == [task["id"]]
