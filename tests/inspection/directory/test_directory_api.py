"""One list, two databases through the API: items per department, objects, inspectors' private interests."""

from __future__ import annotations

import pytest

from tests.auth_support import service_client
from tests.inspection.helpers import make_inspector, make_item, seed_objects, uscc

pytestmark = pytest.mark.anyio


async def test_item_list_is_each_departments_own(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        item = await make_item(c, authority, "L-001", matter_code="scjgj-002", industries=["C13"])
        assert item["department"] == "scjgj" and item["kind"] == "general"
        # "Whoever approves supervises": a matter of another department's list is refused.
        r = await c.post("/items", json={"code": "L-002", "name": "n", "legal_basis": "b", "method": "m",
                                         "kind": "key", "matter_code": "yjj-001"},
                         headers=authority.headers("scjgj", "admin"))
        assert r.status_code == 403 and r.json()["matter_code"] == "yjj-001"
        dup = await c.post("/items", json={"code": "L-001", "name": "n", "legal_basis": "b", "method": "m",
                                           "kind": "key"}, headers=authority.headers("yjj", "inspector"))
        assert dup.status_code == 409
        assert (await c.patch(f"/items/{item['id']}", json={"method": "x"},
                              headers=authority.headers("yjj", "admin"))).status_code == 403
        assert (await c.post("/items", json={"code": "L-3", "name": "n", "legal_basis": "b", "method": "m",
                                             "kind": "key"}, headers=authority.headers("scjgj", "auditor"))).status_code == 403
        changed = await c.patch(f"/items/{item['id']}", json={"method": "document review"},
                                headers=authority.headers("scjgj", "inspector"))
        assert changed.json()["method"] == "document review"
        bad = await c.post("/items", json={"code": "L 4", "name": "", "legal_basis": "b", "method": "m", "kind": "x"},
                           headers=authority.headers("scjgj", "admin"))
        assert bad.status_code == 422
        assert {"body.code", "body.name", "body.kind"} <= {e["field"] for e in bad.json()["errors"]}
        retired = await c.delete(f"/items/{item['id']}", headers=authority.headers("scjgj", "admin"))
        assert retired.json()["active"] is False
        public = await c.get("/items", params={"department": "scjgj"})  # the item list is public
        assert [i["code"] for i in public.json()["items"]] == ["L-001"]
        one = await c.get(f"/items/{item['id']}")
        assert one.headers["etag"] and one.json()["active"] is False


async def test_objects_for_departments_and_interests_for_the_departments_admin_only(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        codes = await seed_objects(c.app, [{"uscc": uscc(i), "grade": "AB"[i % 2], "red": i == 0} for i in range(5)])
        h = authority.headers("yjj", "inspector")
        page1 = (await c.get("/objects", params={"limit": 3}, headers=h)).json()
        page2 = (await c.get("/objects", params={"cursor": page1["next_cursor"]}, headers=h)).json()
        assert [o["uscc"] for o in page1["items"] + page2["items"]] == codes and page2["next_cursor"] is None
        assert (await c.get("/objects", params={"grade": "A"}, headers=h)).json()["items"][0]["lists"] == ["red"]
        assert (await c.get("/objects")).status_code == 401
        assert (await c.get("/objects", params={"cursor": "!!"}, headers=h)).json()["errors"][0]["field"] == "cursor"

        ins = await make_inspector(c, authority, "p1", interests=[codes[0]])
        assert ins["interests"] == [codes[0]]
        listed = (await c.get("/inspectors", headers=authority.headers("scjgj", "inspector"))).json()["items"]
        assert listed[0]["interests"] is None
        # Another department reads none of this department's inspectors by id, as it lists none of them.
        other = await c.get(f"/inspectors/{ins['id']}", headers=authority.headers("yjj", "admin"))
        assert other.status_code == 403 and other.json()["rule"] == "read.own_department"
        audited = await c.get(f"/inspectors/{ins['id']}", headers=authority.headers("sthjj", "auditor"))
        assert audited.status_code == 200 and audited.json()["interests"] is None
        own = (await c.get(f"/inspectors/{ins['id']}", headers=authority.headers("scjgj", "admin"))).json()
        assert own["interests"] == [codes[0]]
        assert (await c.get("/inspectors")).status_code == 401
        assert (await c.post("/inspectors", json={"name": "x", "client_id": "c-x"},
                             headers=authority.headers("scjgj", "inspector"))).status_code == 403
        dup = await c.post("/inspectors", json={"name": "y", "client_id": ins["client_id"]},
                           headers=authority.headers("scjgj", "admin"))
        assert dup.status_code == 409
        other = await c.patch(f"/inspectors/{ins['id']}", json={"active": False}, headers=authority.headers("yjj", "admin"))
        assert other.status_code == 403
