"""Control characters in any string field are a 422 naming the field, and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared.text_guard import RULE, control_character_fields
from tests.auth_support import service_client
from tests.casework.support import USCC_A, Callers

TIP = {"service_code": "food-safety", "description": "Expired milk on sale", "address_string": "南京东路100号",
       "request_kind": "tip_off", "business_uscc": USCC_A, "business_name": "上海某某食品有限公司"}


def test_every_control_character_is_found_with_its_path():
    value = {"a": "ok\tline\nnext\r", "b": ["x", {"c": "bad\x00"}], "d\x01": "key", "e": "del\x7f", "f": 3}
    assert sorted(control_character_fields(value, "body")) == ["body.b.1.c", "body.d\x01", "body.e"]
    for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]:
        assert list(control_character_fields({"s": f"a{chr(code)}b"}, "body")) == ["body.s"], hex(code)
    assert list(control_character_fields({"s": "中文 é \u2028 text"}, "body")) == []


@pytest.mark.anyio
async def test_a_nul_in_a_json_body_is_refused_and_nothing_is_written(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        for bad in ("上海\u0000食品", "tab\tok but bell \u0007", "escape \u001b[31m"):
            r = await c.post("/complaints", json=TIP | {"business_name": bad}, headers=who.hotline)
            assert r.status_code == 422, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert {"field": "body.business_name", "rule": RULE}.items() <= r.json()["errors"][0].items()
        async with c.app.state.db.sessionmaker() as s:
            from services.casework.models import Complaint

            assert (await s.execute(select(func.count()).select_from(Complaint))).scalar_one() == 0
        # A tab and line breaks are ordinary text.
        assert (await c.post("/complaints", json=TIP | {"description": "line one\nline\ttwo\r\n"},
                             headers=who.hotline)).status_code == 201


@pytest.mark.anyio
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_control_character_in_a_query_value_is_a_422_naming_it(databases, authority):
    async with service_client("casework", databases, authority) as c:
        r = await c.get("/complaints", params={"service_code": "food\x01"}, headers=Callers(authority).officer)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "query.service_code"
