"""The public API's edges: filters, cursor paging, page-size cap, ETag/304, bad input as problem+json,
the subject page with its grade, the efficiency evaluation, and the OpenAPI examples."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.contracts.casework import CaseClosed, ComplaintAnswered
from shared.contracts.credit import GradeChanged, SubjectRegistered
from tests.disclosure import support as s
from tests.support import wait_for

pytestmark = pytest.mark.anyio


async def _wait_size(c, n: int) -> None:
    async def grown():
        return (await c.get("/public/log/tree-head")).json()["tree_size"] >= n

    await wait_for(grown, timeout=15, what=f"{n} log entries")


async def test_search_filters_paging_and_etags(databases, authority, nats_server):
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url) as c:
        pudong, minhang = s.uscc("310115"), s.uscc("310112")
        await bus.send(SubjectRegistered(uscc=pudong, name="上海浦东检索有限公司", subject_type="enterprise",
                                         district="310115", industry_code="F52"))
        await bus.send(GradeChanged(uscc=pudong, grade="C", score=61.5, rule_set_version="grading-2026.1",
                                    as_of=s.today()))
        for i in range(3):
            await bus.send(s.decision(pudong, "上海浦东检索有限公司", decided_on=s.today() - timedelta(days=i)))
        await bus.send(s.result(minhang, "上海闵行检索有限公司", department="wjw"))
        await bus.send(s.licence(minhang, "上海闵行检索有限公司"))
        await _wait_size(c, 5)

        async def ids(**params) -> list[str]:
            r = await c.get("/public/records", params=params)
            assert r.status_code == 200, r.text
            return [i["id"] for i in r.json()["items"]]

        assert len(await ids(uscc=pudong)) == 3
        assert len(await ids(q="闵行检索")) == 2 and len(await ids(q="检索")) == 5
        assert len(await ids(q="100%_")) == 0  # LIKE wildcards are literal
        assert len(await ids(district="310112")) == 2  # from the USCC's region code
        assert len(await ids(industry="F52")) == 3  # from the credit registry
        assert len(await ids(record_type="licence")) == 1 and len(await ids(authority="wjw")) == 1
        assert len(await ids(date_from=s.today().isoformat(), date_to=s.today().isoformat())) == 3

        # Unfiltered: the latest page by cursor, newest first, pages never overlap.
        first = (await c.get("/public/records", params={"limit": 2})).json()
        second = (await c.get("/public/records", params={"limit": 2, "cursor": first["next_cursor"]})).json()
        third = (await c.get("/public/records", params={"limit": 2, "cursor": second["next_cursor"]})).json()
        pages = [i["id"] for p in (first, second, third) for i in p["items"]]
        assert pages == sorted(pages, reverse=True) and len(set(pages)) == 5 and third["next_cursor"] is None

        r = await c.get("/public/records", params={"uscc": pudong})
        again = await c.get("/public/records", params={"uscc": pudong}, headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304
        one = await c.get(f"/public/records/{pages[0]}")
        assert (await c.get(f"/public/records/{pages[0]}", headers={"If-None-Match": one.headers["etag"]})
                ).status_code == 304

        subject = (await c.get(f"/public/subjects/{pudong}")).json()
        assert subject["grade"]["grade"] == "C" and subject["industry_code"] == "F52"
        assert subject["counts"] == {"penalty_decision": 3}
        assert "<span class=\"grade\">C</span>" in (await c.get(f"/site/subjects/{pudong}")).text

        for params, field in [({"limit": 101}, "query.limit"), ({"uscc": "91310115MA1K4LXY2A"}, "query.uscc"),
                              ({"cursor": "!!"}, "query.cursor"), ({"date_from": "2026-13-01"}, "query.date_from"),
                              ({"record_type": "gossip"}, "query.record_type"),
                              ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "query.date_from")]:
            bad = await c.get("/public/records", params=params)
            assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
            assert field in [e["field"] for e in bad.json()["errors"]], (params, bad.json())
        assert (await c.get("/public/subjects/12345")).json()["errors"][0]["field"] == "path.uscc"
        assert (await c.get(f"/public/subjects/{s.uscc()}")).status_code == 404
        assert (await c.get("/public/efficiency", params={"month": "2026-13"})).status_code == 422
        assert (await c.get("/public/bulk/penalty_decision/2026-02-30.csv")).status_code == 422
        assert (await c.get("/public/bulk/gossip/2026-02-01.csv")).status_code == 422


async def test_efficiency_per_department_and_month(databases, authority, nats_server):
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url) as c:
        today = s.today()
        month = f"{today.year:04d}-{today.month:02d}"
        code = s.uscc()
        await bus.send(s.decision(code, "上海效能一有限公司"))  # on time
        late = s.decision(code, "上海效能一有限公司", decided_on=today - timedelta(days=90))  # > 20 working days
        await bus.send(late)
        await bus.send(s.result(code, "上海效能一有限公司"))
        await bus.send(ComplaintAnswered(complaint_id="c-1", department="scjgj", received_on=today,
                                         answered_on=today, due_on=today, accepted=True))
        await bus.send(ComplaintAnswered(complaint_id="c-2", department="scjgj", received_on=today,
                                         answered_on=today, due_on=today - timedelta(days=1), accepted=True))
        await bus.send(CaseClosed(case_id="case-1", department="scjgj", closed_on=today, due_on=today,
                                  outcome="penalty"))
        await _wait_size(c, 3)  # the repair comes from another stream: let the decision be published first
        await bus.send(s.repair(code, "r-1", late.decision_number))

        async def counted():
            body = (await c.get("/public/efficiency", params={"month": month})).json()
            rows = {d["department"]: d["metrics"] for d in body["departments"]}
            m = rows.get("scjgj")
            return m if m and m["complaint_answered"]["total"] == 2 and m["withdrawal"]["total"] == 1 \
                and m["case_closed"]["total"] == 1 else None

        m = await wait_for(counted, timeout=15, what="efficiency facts")
        assert m["penalty_published"] == {"total": 2, "on_time": 1, "share": 0.5}
        assert m["inspection_result_published"]["share"] == 1.0
        assert m["complaint_answered"] == {"total": 2, "on_time": 1, "share": 0.5}
        assert m["withdrawal"]["on_time"] == 1 and m["case_closed"]["on_time"] == 1
        late_pub = [i for i in (await c.get("/public/records", params={"uscc": code})).json()["items"]
                    if i["record_type"] == "penalty_decision"]
        assert [i["on_time"] for i in late_pub] == [True]  # the late one was repaired away; the other on time
        page = (await c.get("/site/efficiency", params={"month": month})).text
        assert "scjgj" in page and "50%" in page


async def test_openapi_has_examples_and_public_tags(databases, authority):
    async with s.service_client_with("disclosure", databases, authority) as c:
        spec = (await c.get("/openapi.json")).json()
        public = {p: ops for p, ops in spec["paths"].items() if p.startswith("/public/")}
        assert len(public) >= 14 and not any(p.startswith("/site") for p in spec["paths"])
        for path, ops in public.items():
            op = ops["get"]
            assert op["summary"] and op["description"] and op["tags"], path
        schemas = spec["components"]["schemas"]
        for name in ("PublicRecord", "TreeHeadOut", "InclusionProofOut", "ConsistencyProofOut", "EfficiencyOut"):
            text = str(schemas[name])
            assert "example" in text, name
