"""The access audit counts every subject a call touched (issue 12, part B): USCCs in the path,
the query, the request body and the answer. The finding: of 14 reads that returned one company's
data, "who looked at my company's data" counted 7 (only those naming it in the path or query)."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from gateway.audit.log import subjects_touched
from tests.gateway.support import OTHER, SUBJECT, gateway_client, gateway_settings, mint

pytestmark = pytest.mark.anyio

CASE = {"id": "0193a6f2-7c1e-7a00-8000-1234567890ab", "department": "scjgj", "uscc": SUBJECT,
        "party_name": "上海示例贸易有限公司", "state": "investigation"}
DECISION = {"id": "0193a6f2-7c1e-7a00-8000-1234567890ac", "decision_number": "沪市监罚〔2026〕1号",
            "uscc": SUBJECT, "fine_amount": "20000.00"}
ENTRY = {"id": "0193a6f2-7c1e-7a00-8000-1234567890ad", "list_kind": "abnormal", "uscc": SUBJECT}
RECORD = {"id": "0193a6f2-7c1e-7a00-8000-1234567890ae", "uscc": SUBJECT, "kind": "penalty"}
RESULT = {"id": "0193a6f2-7c1e-7a00-8000-1234567890af", "uscc": SUBJECT, "outcome": "problems_found"}
SUBJECT_OUT = {"uscc": SUBJECT, "name": "上海示例贸易有限公司", "grade": "B"}

# What a service answers, as the real routes shape it (one company's data in each).
ANSWERS = {
    f"/subjects/{SUBJECT}": SUBJECT_OUT,
    f"/subjects/{SUBJECT}/grade": {"uscc": SUBJECT, "grade": "B"},
    "/subjects": {"items": [SUBJECT_OUT], "next_cursor": None},
    f"/records/{RECORD['id']}": RECORD,
    f"/lists/entries/{ENTRY['id']}": ENTRY,
    "/lists/abnormal/entries": {"items": [ENTRY, {**ENTRY, "uscc": OTHER}], "next_cursor": None},
    f"/cases/{CASE['id']}": CASE,
    "/cases": {"items": [CASE], "next_cursor": None},
    f"/cases/{CASE['id']}/record": {"case": CASE, "decisions": [DECISION]},
    f"/decisions/{DECISION['id']}": DECISION,
    "/decisions": {"items": [DECISION], "next_cursor": None},
    f"/results/{RESULT['id']}": RESULT,
    f"/objects/{SUBJECT}": {"uscc": SUBJECT, "name": "上海示例贸易有限公司"},
}


async def _answer(request: web.Request) -> web.Response:
    if request.method == "POST":
        return web.json_response({**CASE, "id": "0193a6f2-7c1e-7a00-8000-1234567890b0"}, status=201)
    body = ANSWERS.get(request.path)
    return web.json_response(body) if body is not None else web.json_response({"title": "Not found"}, status=404)


@asynccontextmanager
async def services():
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", _answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def test_subjects_are_found_in_the_body_and_the_answer_and_checked():
    assert subjects_touched("/casework/cases", "", f'{{"uscc": "{SUBJECT}"}}'.encode(),
                            (f'{{"items": [{{"uscc": "{OTHER}"}}, {{"uscc": "{SUBJECT}"}}]}}'.encode(),)) == [
        SUBJECT, OTHER]
    # A wrong check character, or an 18-character id, is no subject.
    assert subjects_touched("/x", "", b'{"uscc": "91310000MA1FL8TQ11", "id": "0193a6f27c1e7a0080"}') == []


async def test_every_read_that_returned_the_company_counts(databases, tmp_path):
    async with services() as url:
        settings = gateway_settings(tmp_path, await databases.fresh("gateway"), credit_url=url, casework_url=url,
                                    inspection_url=url)
        async with gateway_client(settings) as c:
            officer = mint(c.app, "scjgj", "case_officer", client_id="scjgj-officer")
            credit = mint(c.app, "scjgj", "credit_officer", client_id="scjgj-credit")
            inspector = mint(c.app, "yjj", "inspector", client_id="yjj-inspector")
            calls = [
                (credit, "GET", f"/credit/subjects/{SUBJECT}"),
                (credit, "GET", f"/credit/subjects/{SUBJECT}/grade"),
                (credit, "GET", f"/credit/subjects?uscc={SUBJECT}"),
                (credit, "GET", "/credit/subjects?name=示例"),  # a search: the company is in the answer only
                (credit, "GET", f"/credit/records/{RECORD['id']}"),
                (credit, "GET", f"/credit/lists/entries/{ENTRY['id']}"),
                (credit, "GET", "/credit/lists/abnormal/entries"),
                (officer, "GET", f"/casework/cases/{CASE['id']}"),
                (officer, "GET", "/casework/cases"),
                (officer, "GET", f"/casework/cases/{CASE['id']}/record"),
                (officer, "GET", f"/casework/decisions/{DECISION['id']}"),
                (officer, "GET", "/casework/decisions"),
                (inspector, "GET", f"/inspection/results/{RESULT['id']}"),
                (inspector, "GET", f"/inspection/objects/{SUBJECT}"),
            ]
            for headers, method, path in calls:
                r = await c.request(method, path, headers=headers)
                assert r.status_code == 200, (path, r.text)
            # A write naming the company only in its body touches it too.
            r = await c.post("/casework/cases", headers=officer, json={
                "matter_code": "scjgj-001", "uscc": SUBJECT, "party_name": "上海示例贸易有限公司", "summary": "x"})
            assert r.status_code == 201, r.text
            await c.app.runtime.audit.flush()
            summary = (await c.get(f"/audit/subjects/{SUBJECT}/access")).json()
            assert summary["total"] == len(calls) + 1
            by = {(i["department"], i["purpose"]): i["count"] for i in summary["items"]}
            assert by[("yjj", "inspection.read")] == 2
            # The list page named a second company: it counts for that one too, once.
            assert (await c.get(f"/audit/subjects/{OTHER}/access")).json()["total"] == 1
            # Anonymous reads are still not recorded.
            assert (await c.get(f"/audit/subjects/{SUBJECT}/access")).json()["total"] == len(calls) + 1
