"""Validation is as strict as the published schema: a boolean is true or false, a date is
YYYY-MM-DD. Found: `active: 0` and `day=0` were accepted although the schema forbids them."""

from __future__ import annotations

import pytest

from tests.auth_support import service_client
from tests.casework.support import Callers, investigating
from tests.inspection.helpers import make_item

pytestmark = pytest.mark.anyio


async def test_inspection_refuses_a_number_for_a_boolean(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        h = authority.headers("scjgj", "admin")
        item = await make_item(c, authority, "SC-001")
        for bad in (0, 1, "false", "yes"):
            r = await c.patch(f"/items/{item['id']}", json={"active": bad}, headers=h)
            assert r.status_code == 422, (bad, r.text)
            assert r.json()["errors"][0]["field"] == "body.active"
        assert (await c.patch(f"/items/{item['id']}", json={"active": False}, headers=h)).json()["active"] is False


async def test_casework_refuses_a_number_for_a_boolean_and_a_number_for_a_date(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who)
        r = await c.patch(f"/cases/{case['id']}", json={"complex_case": 1}, headers=who.officer)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.complex_case", r.text
        r = await c.post(f"/cases/{case['id']}/notify_rights", headers=who.officer,
                         json={"penalty_kinds": ["fine"], "fine_amount": "20000.00", "on": 0})
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "date_format", r.text


async def test_disclosure_refuses_day_zero(databases, authority):
    async with service_client("disclosure", databases, authority) as c:
        for bad in ("0", "20261105", "2026-11-05T00:00:00"):
            r = await c.get(f"/public/bulk/penalty_decision/{bad}.csv")
            assert r.status_code == 422, (bad, r.status_code)
            assert r.json()["errors"][0]["field"] == "path.day"
        assert (await c.get("/public/bulk/penalty_decision/2026-11-05.csv")).status_code in (200, 404)
