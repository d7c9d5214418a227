"""Subject registry through the API: USCC and identity checks, masking, search, updates, bulk import."""

from __future__ import annotations

import pytest

from shared.identifiers import uscc_check_character
from tests.auth_support import service_client
from tests.credit.helpers import (
    ID_NUMBER,
    make_uscc,
    outbox_events,
    register,
    subject_body,
)

pytestmark = pytest.mark.anyio


async def test_register_read_and_personal_id_masking(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        events = await outbox_events(c, "sup.credit.subject.registered", uscc)
        assert events and events[0]["grade"] == "A" and "legal_rep_id" not in events[0]

        mine = (await c.get(f"/subjects/{uscc}", headers=officer)).json()
        assert mine["legal_representative"] == {"name": "张三", "id_number": ID_NUMBER, "id_masked": False}
        assert mine["grade"] == "A" and mine["industry_risk"] == "medium"
        # Personal information is shown whole only to the registration authority's credit officers
        # (municipal, or the district's own bureau); never to other departments, roles or the public.
        assert (await c.get(f"/subjects/{uscc}")).status_code == 401  # the public reads disclosure
        district = (await c.get(f"/subjects/{uscc}", headers=authority.headers("hpscjgj", "credit_officer"))).json()
        assert district["legal_representative"]["id_number"] == ID_NUMBER
        # The finding: every department's credit officer saw the number whole.
        for headers in (authority.headers("scjgj", "inspector"), authority.headers("yjj", "credit_officer"),
                        authority.headers("sthjj", "credit_officer"), authority.headers("scjgj", "auditor"),
                        authority.headers("yjj", "auditor"), authority.headers("pdscjgj", "credit_officer")):
            r = await c.get(f"/subjects/{uscc}", headers=headers)
            rep = r.json()["legal_representative"]
            assert rep["id_masked"] and rep["id_number"] == "110105***********X", headers
            listed = (await c.get(f"/subjects?uscc={uscc}", headers=headers)).json()["items"][0]
            assert listed["legal_representative"]["id_masked"], headers
        listed = (await c.get(f"/subjects?uscc={uscc}", headers=officer)).json()["items"][0]
        assert listed["legal_representative"]["id_number"] == ID_NUMBER

        r = await c.get(f"/subjects/{uscc}", headers=authority.headers("yjj", "inspector"))
        again = await c.get(f"/subjects/{uscc}", headers={**authority.headers("yjj", "inspector"),
                                                          "If-None-Match": r.headers["etag"]})
        assert again.status_code == 304


async def test_uscc_check_character_is_enforced_naming_the_expected_one(databases, authority):
    async with service_client("credit", databases, authority) as c:
        good = make_uscc()
        wrong = good[:17] + ("0" if good[17] != "0" else "1")
        r = await c.post("/subjects", json=subject_body(wrong), headers=authority.headers("scjgj", "credit_officer"))
        assert r.status_code == 422
        assert r.headers["content-type"] == "application/problem+json"
        err = r.json()["errors"][0]
        assert err["field"] == "uscc" and err["rule"] == "uscc.check_character"
        assert f"should be '{uscc_check_character(good[:17])}'" in err["message"]
        # Lookups by a malformed code are refused the same way.
        assert (await c.get(f"/subjects/{wrong}", headers=authority.headers("yjj", "inspector"))).status_code == 422


async def test_bad_input_is_a_422_naming_the_field(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        cases = [
            (subject_body(legal_rep_id="110105194912310021"), "legal_rep_id"),
            (subject_body(subject_type="company"), "body.subject_type"),
            (subject_body(industry_code="food"), "body.industry_code"),
            ({k: v for k, v in subject_body().items() if k != "name"}, "body.name"),
            (subject_body(extra="x"), "body.extra"),
        ]
        for body, field in cases:
            r = await c.post("/subjects", json=body, headers=officer)
            assert r.status_code == 422, (field, r.text)
            assert field in [e["field"] for e in r.json()["errors"]], r.json()
        r = await c.get("/subjects", params={"cursor": "%%%"}, headers=authority.headers("yjj", "inspector"))
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cursor"
        r = await c.get("/subjects", params={"limit": 500}, headers=authority.headers("yjj", "inspector"))
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.limit"


async def test_only_credit_officers_write_and_duplicates_conflict(databases, authority):
    async with service_client("credit", databases, authority) as c:
        body = subject_body()
        assert (await c.post("/subjects", json=body)).status_code == 401
        r = await c.post("/subjects", json=body, headers=authority.headers("scjgj", "inspector"))
        assert r.status_code == 403 and "credit_officer" in r.json()["detail"]
        officer = authority.headers("scjgj", "credit_officer")
        assert (await c.post("/subjects", json=body, headers=officer)).status_code == 201
        assert (await c.post("/subjects", json=body, headers=officer)).status_code == 409


async def test_update_and_deregister_with_forbidden_transitions(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        r = await c.patch(f"/subjects/{uscc}", json={"industry_code": "C1310", "district": "310115"}, headers=officer)
        assert r.status_code == 200, r.text
        assert r.json()["industry_risk"] == "high" and r.json()["version"] == 2
        assert (await outbox_events(c, "sup.credit.subject.updated", uscc))[0]["district"] == "310115"
        r = await c.post(f"/subjects/{uscc}/deregistration", json={"status": "deregistered",
                                                                   "effective_on": "2026-01-05"}, headers=officer)
        assert r.status_code == 200 and r.json()["status"] == "deregistered"
        assert await outbox_events(c, "sup.credit.subject.deregistered", uscc)
        again = await c.post(f"/subjects/{uscc}/deregistration", json={"status": "revoked",
                                                                       "effective_on": "2026-01-06"}, headers=officer)
        assert again.status_code == 409 and again.json()["current_state"] == "deregistered"
        r = await c.patch(f"/subjects/{uscc}", json={"name": "新名称"}, headers=officer)
        assert r.status_code == 409 and r.json()["allowed"] == ["active"]


async def test_search_filters_and_cursor_paging(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        for i in range(5):
            await register(c, authority, name=f"浦东测试{i}号有限公司" if i % 2 else f"黄浦样例{i}公司",
                           district="310115" if i % 2 else "310101", industry_code="C1310" if i < 2 else "F5191")
        r = await c.get("/subjects", params={"name": "测试"}, headers=authority.headers("yjj", "inspector"))
        assert len(r.json()["items"]) == 2
        assert len((await c.get("/subjects", params={"district": "310101"}, headers=authority.headers("yjj", "inspector"))).json()["items"]) == 3
        assert len((await c.get("/subjects", params={"industry_code": "C13"}, headers=authority.headers("yjj", "inspector"))).json()["items"]) == 2
        # High-risk industries (food manufacture) start at B: base 10 + industry 12.
        assert len((await c.get("/subjects", params={"grade": "A"}, headers=authority.headers("yjj", "inspector"))).json()["items"]) == 3
        assert len((await c.get("/subjects", params={"grade": "B"}, headers=authority.headers("yjj", "inspector"))).json()["items"]) == 2
        seen, cursor = [], None
        while True:
            page = (await c.get("/subjects", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                                headers=officer)).json()
            seen += [s["uscc"] for s in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == 5 and seen == sorted(seen)
        one = seen[3]
        assert [s["uscc"] for s in (await c.get("/subjects", params={"uscc": one}, headers=authority.headers("yjj", "inspector"))).json()["items"]] == [one]


async def test_bulk_import_api_reports_bad_rows_and_loads_good_ones(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        rows = [subject_body(make_uscc()) for _ in range(6)]
        rows[1]["uscc"] = rows[1]["uscc"][:17] + ("0" if rows[1]["uscc"][17] != "0" else "1")
        rows[3]["subject_type"] = "company"
        rows[5]["uscc"] = rows[0]["uscc"]
        r = await c.post("/subjects/imports", json={"rows": rows}, headers=officer)
        assert r.status_code == 200, r.text
        report = r.json()
        assert (report["received"], report["loaded"], report["rejected"]) == (6, 3, 3)
        assert [(e["row"], e["field"]) for e in report["errors"]] == [(2, "uscc"), (4, "subject_type"), (6, "uscc")]
        assert len(await outbox_events(c, "sup.credit.subject.registered")) == 3

        header = "uscc,name,subject_type,legal_rep_name,legal_rep_id,registered_address,district,industry_code\n"
        fresh = make_uscc()
        text = header + f"{fresh},甲公司,enterprise,李四,{ID_NUMBER},地址,310101,F5191\n" \
                        f"{rows[0]['uscc']},乙公司,enterprise,李四,{ID_NUMBER},地址,310101,F5191\n"
        r = await c.post("/subjects/imports", content=text.encode(), headers={**officer, "Content-Type": "text/csv"})
        assert r.json()["loaded"] == 1 and r.json()["errors"][0]["rule"] == "uscc.registered"
        bad_header = await c.post("/subjects/imports", content=b"uscc,nom\n", headers={**officer,
                                                                                        "Content-Type": "text/csv"})
        assert bad_header.status_code == 422 and "missing columns" in bad_header.json()["detail"]
        assert (await c.post("/subjects/imports", json={"rows": []}, headers=officer)).status_code == 422
        assert (await c.post("/subjects/imports", json={"rows": rows})).status_code == 401
