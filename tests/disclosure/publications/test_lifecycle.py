"""Records appear when published and leave the API, the feeds, the bulk files and the site when they
are repaired, revoked, exited or expire; the Merkle log records both the publication and the withdrawal."""

from __future__ import annotations

import csv
import io

import feedparser
import pytest

from services.disclosure.rules.canonical import record_hash
from shared.contracts.credit import RecordWithdrawn
from tests.disclosure import support as s
from tests.support import wait_for

pytestmark = pytest.mark.anyio


async def _records(c, **params) -> list[dict]:
    r = await c.get("/public/records", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def _published(c, code: str, n: int) -> list[dict]:
    async def ready():
        items = await _records(c, uscc=code)
        return items if len(items) >= n else None

    return await wait_for(ready, timeout=15, what=f"{n} records of {code}")


async def _bulk(c, record_type: str) -> str:
    r = await c.get(f"/public/bulk/{record_type}/{s.today().isoformat()}.csv")
    assert r.status_code == 200, r.text
    return r.text


async def test_publish_repair_revoke_exit_and_expire(databases, authority, nats_server):
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url, expiry_scan_seconds=0.1) as c:
        code, name = s.uscc(), "上海示例贸易有限公司"
        heavy = s.decision(code, name, fine="50000")  # 3 years
        light = s.decision(code, name, fine="1000")  # small fine: 3 months
        to_revoke = s.decision(code, name, fine="20000")
        warning_only = s.decision(code, name, fine="0", kinds=("warning",))  # never published
        entry = s.list_entry(code, name)
        lic = s.licence(code, name)
        for p in (heavy, light, to_revoke, warning_only, entry, lic):
            await bus.send(p)
        items = await _published(c, code, 5)
        by_ref = {i["content"].get("decision_no") or i["record_type"]: i for i in items}
        assert warning_only.decision_number not in by_ref
        assert {i["record_type"] for i in items} == {"penalty_decision", "list_entry", "licence"}
        heavy_rec, light_rec = by_ref[heavy.decision_number], by_ref[light.decision_number]
        revoke_rec = by_ref[to_revoke.decision_number]
        assert light_rec["window_end"] < heavy_rec["window_end"]
        assert record_hash(heavy_rec["content"]) == heavy_rec["record_hash"]
        assert heavy_rec["on_time"] is True

        # Visible in the subject page, the feeds, the bulk file and on the site.
        subject = (await c.get(f"/public/subjects/{code}")).json()
        assert subject["counts"]["penalty_decision"] == 3 and subject["name"] == name
        atom = feedparser.parse((await c.get("/public/feed.atom", params={"uscc": code})).content)
        assert not atom.bozo and {e.title for e in atom.entries} >= {heavy_rec["title"], light_rec["title"]}
        assert heavy.decision_number in await _bulk(c, "penalty_decision")
        page = (await c.get(f"/site/subjects/{code}")).text
        assert heavy.decision_number in page and "罚款 50000 元" in page

        # Credit repair (matched by the decision number as source_ref) and a revocation withdraw.
        await bus.send(s.repair(code, "credit-record-1", heavy.decision_number))
        await bus.send(s.revoked(to_revoke))
        await bus.send(s.list_exit(code, name, entry.entry_id))
        await bus.send(RecordWithdrawn(record_id=lic.record_id, uscc=code, kind=lic.kind, source_ref=lic.source_ref,
                                       reason="objection upheld", withdrawn_on=s.today()))

        async def withdrawn():
            now = {i["id"] for i in await _records(c, uscc=code)}
            return heavy_rec["id"] not in now and revoke_rec["id"] not in now and \
                {i["record_type"] for i in await _records(c, uscc=code)} == {"penalty_decision", "list_exit"}

        await wait_for(withdrawn, timeout=15, what="withdrawals")
        gone = await c.get(f"/public/records/{heavy_rec['id']}")
        assert gone.status_code == 410 and gone.headers["content-type"] == "application/problem+json"
        types = {i["record_type"] for i in await _records(c, uscc=code)}
        assert types == {"penalty_decision", "list_exit"}  # the entry left with the exit, the licence was wrong
        bulk = await _bulk(c, "penalty_decision")
        assert heavy.decision_number not in bulk and to_revoke.decision_number not in bulk
        assert light.decision_number in bulk
        rows = list(csv.DictReader(io.StringIO(bulk.lstrip("\ufeff"))))
        assert [r["decision_no"] for r in rows] == [light.decision_number]
        page = (await c.get(f"/site/subjects/{code}")).text
        assert heavy.decision_number not in page and light.decision_number in page
        assert (await c.get(f"/site/records/{heavy_rec['id']}")).status_code == 410
        feed = (await c.get("/public/feed.json", params={"uscc": code})).json()
        kinds = [(i["_disclosure"]["kind"], i["id"]) for i in feed["items"]]
        assert sum(k == "withdrawn" for k, _ in kinds) == 4
        text = (await c.get("/public/feed.json", params={"uscc": code})).text
        assert heavy.decision_number not in text  # the old publish entry no longer shows the content

        # The window of the small fine ends: the record leaves by itself, and the log says so.
        c.app.state.clock.advance(days=100)

        assert light_rec["id"] not in {i["id"] for i in await _records(c, uscc=code)}  # at once, on read

        async def logged():
            entries = (await c.get(f"/public/log/records/{light_rec['id']}")).json()["entries"]
            return entries if len(entries) == 2 else None

        log = await wait_for(logged, timeout=10, what="the expiry job's withdrawal")
        assert [e["action"] for e in log] == ["publish", "withdraw"]
        assert log[1]["reason"] == "publicity_window_ended"
        assert light.decision_number not in (await c.get(f"/site/subjects/{code}")).text
        # Every action is a leaf: 5 publications, 1 list exit, 4 withdrawals, 1 expiry.
        head = (await c.get("/public/log/tree-head")).json()
        assert head["tree_size"] == 11
        for rec in (heavy_rec, revoke_rec):
            leaves = (await c.get(f"/public/log/records/{rec['id']}")).json()["entries"]
            assert [e["action"] for e in leaves] == ["publish", "withdraw"]
        reasons = {e["reason"] for e in (await c.get(f"/public/log/records/{revoke_rec['id']}")).json()["entries"]}
        assert "decision_revoked" in reasons
