"""The access audit: written off the hot path, summarised for the public, queried by auditors.

Runs on SQLite and PostgreSQL (the gateway's own migrations, version table alembic_version_gateway).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from gateway.audit.log import AUDIT_DROPPED, AuditLog, subjects_in
from shared.auth import PUBLIC
from tests.gateway.support import (
    OTHER,
    SUBJECT,
    gateway_client,
    gateway_settings,
    mint,
    stub_upstream,
)

pytestmark = pytest.mark.anyio


def test_subjects_are_found_in_path_and_query_and_checked():
    assert subjects_in(f"/credit/subjects/{SUBJECT}/grade") == [SUBJECT]
    assert subjects_in("/credit/subjects", f"uscc={SUBJECT.lower()}&x={OTHER}&y={SUBJECT}") == [SUBJECT, OTHER]
    # 18 characters with a wrong check character, or ids, are not subjects.
    assert subjects_in("/credit/subjects/91310000MA1FL8TQ11") == []
    assert subjects_in("/casework/cases/0193a6f2-7c1e-7a00-8000-1234567890ab") == []


async def _traffic(c) -> dict[str, dict[str, str]]:
    who = {"scjgj": mint(c.app, "scjgj", "inspector", client_id="scjgj-demo-inspector"),
           "yjj": mint(c.app, "yjj", "inspector", client_id="yjj-demo-inspector")}
    assert (await c.get(f"/credit/subjects/{SUBJECT}", headers=who["scjgj"])).status_code == 200
    assert (await c.get(f"/credit/subjects?uscc={SUBJECT}", headers=who["scjgj"])).status_code == 200
    assert (await c.get(f"/credit/subjects/{SUBJECT}/grade", headers=who["yjj"])).status_code == 200
    assert (await c.get(f"/credit/subjects/{OTHER}", headers=who["yjj"])).status_code == 200
    # Refused by the policy, and failed upstream: audited, not counted as access.
    assert (await c.patch(f"/credit/subjects/{SUBJECT}", headers=who["scjgj"], json={})).status_code == 403
    assert (await c.get(f"/credit/subjects/{SUBJECT}?status=500", headers=who["scjgj"])).status_code == 500
    # Anonymous reads of public data are not recorded.
    assert (await c.get(f"/disclosure/public/subjects/{SUBJECT}")).status_code == 200
    await c.app.runtime.audit.flush()
    return who


async def test_who_looked_at_my_company_is_public_and_aggregated(databases, tmp_path):
    async with stub_upstream() as upstream:
        settings = gateway_settings(tmp_path, await databases.fresh("gateway"), credit_url=upstream,
                                    disclosure_url=upstream)
        async with gateway_client(settings) as c:
            await _traffic(c)
            r = await c.get(f"/audit/subjects/{SUBJECT.lower()}/access")
            assert r.status_code == 200, r.text
            body = r.json()
            month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
            assert body["uscc"] == SUBJECT and body["total"] == 3
            assert [(i["month"], i["department"], i["purpose"], i["count"]) for i in body["items"]] == [
                (month, "scjgj", "credit.read", 2), (month, "yjj", "credit.read", 1)]
            assert body["items"][0]["department_name"] == "上海市市场监督管理局"
            assert body["items"][0]["purpose_description"]
            assert "demo-inspector" not in r.text and "client" not in r.text
            assert (await c.get(f"/audit/subjects/{SUBJECT}/access?since=2999-01")).json()["total"] == 0
            bad = await c.get("/audit/subjects/91310000MA1FL8TQ11/access")
            assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "path.uscc"


async def test_auditors_page_through_the_full_log_with_filters(databases, tmp_path):
    async with stub_upstream() as upstream:
        settings = gateway_settings(tmp_path, await databases.fresh("gateway"), credit_url=upstream,
                                    disclosure_url=upstream)
        async with gateway_client(settings) as c:
            who = await _traffic(c)
            # An auditor of another department, so its own (audited) log reads stay out of the scjgj filter.
            auditor = mint(c.app, "sthjj", "auditor", client_id="sthjj-auditor")
            first = await c.get(f"/audit/log?department=scjgj&uscc={SUBJECT}&limit=2", headers=auditor)
            assert first.status_code == 200, first.text
            page = first.json()
            assert len(page["items"]) == 2 and page["next_cursor"]
            rest = (await c.get(f"/audit/log?department=scjgj&uscc={SUBJECT}&limit=2&cursor={page['next_cursor']}",
                                headers=auditor)).json()
            entries = page["items"] + rest["items"]
            assert rest["next_cursor"] is None and len(entries) == 4
            assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
            newest = entries[0]
            assert newest["status"] == 500 and newest["subjects"] == [SUBJECT]
            refused = (await c.get("/audit/log?allowed=false", headers=auditor)).json()["items"]
            assert [(e["method"], e["status"], e["route"], e["client_id"], e["roles"]) for e in refused] == [
                ("PATCH", 403, "/credit/subjects/{uscc}", "scjgj-demo-inspector", ["inspector"])]
            yjj = (await c.get("/audit/log?department=yjj", headers=auditor)).json()["items"]
            assert {e["path"] for e in yjj} == {f"/credit/subjects/{SUBJECT}/grade", f"/credit/subjects/{OTHER}"}
            assert all(e["purpose"] == "credit.read" and e["rule_id"] == "department-credit-read" for e in yjj)
            assert all(e["policy_version"] == c.app.runtime.policy.version for e in yjj)
            not_auditor = await c.get("/audit/log", headers=who["scjgj"])
            assert not_auditor.status_code == 403 and "auditor" in not_auditor.json()["detail"]
            assert (await c.get("/audit/log")).status_code == 401
            assert (await c.get("/audit/log?limit=201", headers=auditor)).status_code == 422
            # Reading the log is itself audited.
            await c.app.runtime.audit.flush()
            reads = (await c.get("/audit/log?purpose=audit.log", headers=auditor)).json()["items"]
            assert reads and reads[0]["client_id"] == "sthjj-auditor"


async def test_the_hot_path_never_waits_for_the_audit_database():
    audit = AuditLog("sqlite+aiosqlite:///:memory:", maxsize=1)  # writer not started: nothing drains
    before = AUDIT_DROPPED._value.get()
    item = (0.0, PUBLIC, "POST", "/casework/complaints", b"", None, 201, b"r", 0.0)
    audit.record(item)
    audit.record(item)  # queue full: dropped and counted, never blocking the request
    assert audit.queue.qsize() == 1
    assert AUDIT_DROPPED._value.get() == before + 1
