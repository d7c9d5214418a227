"""Every date-time a service answers with carries its time zone, as the schema's `date-time` says
(RFC 3339), also on SQLite, which hands timestamps back without one.

Found: casework and inspection answered naive date-times in 8 response schemas.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.auth_support import service_client
from tests.casework.support import Callers, ok, penalty, ready_to_decide
from tests.inspection.helpers import make_item, make_plan

pytestmark = pytest.mark.anyio
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ZONED = re.compile(r"(Z|[+-]\d{2}:\d{2})$")


def naive_date_times(value: Any, where: str = "") -> list[str]:
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in naive_date_times(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [x for i, v in enumerate(value) for x in naive_date_times(v, f"{where}[{i}]")]
    if isinstance(value, str) and DATE_TIME.match(value) and not ZONED.search(value):
        return [f"{where}={value}"]
    return []


async def test_casework_answers_zoned_date_times(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await ready_to_decide(c, who)
        decision = ok(await c.post("/decisions", json=penalty(case["id"]), headers=who.officer), 201)
        answers = [decision, ok(await c.get(f"/cases/{case['id']}", headers=who.officer)),
                   ok(await c.get(f"/cases/{case['id']}/history", headers=who.officer)),
                   ok(await c.get("/cases", headers=who.officer)),
                   ok(await c.get(f"/decisions/{decision['id']}", headers=who.officer))]
        assert all(DATE_TIME.match(a.get("created_at", "")) for a in answers[:2])  # there are some to check
        assert [x for a in answers for x in naive_date_times(a)] == []


async def test_inspection_answers_zoned_date_times(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        h = authority.headers("scjgj", "admin")
        item = await make_item(c, authority, "TZ-001")
        plan = await make_plan(c, authority, [item["id"]])
        answers = [item, plan, ok(await c.get(f"/items/{item['id']}", headers=h)),
                   ok(await c.get(f"/plans/{plan['id']}", headers=h)), ok(await c.get("/items", headers=h))]
        assert DATE_TIME.match(item["created_at"])
        assert [x for a in answers for x in naive_date_times(a)] == []
