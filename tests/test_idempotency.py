"""Idempotency-Key on POST: a retried request gets the first answer back and never makes a second record."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from shared.idempotency import forget_expired_keys
from tests.auth_support import service_client
from tests.casework.support import USCC_A, Callers, fields, ok, problem, rules

pytestmark = pytest.mark.anyio

TIP = {"service_code": "food-safety", "description": "Expired milk on sale", "address_string": "南京东路100号",
       "request_kind": "tip_off", "business_uscc": USCC_A, "business_name": "上海某某食品有限公司"}


def key(n: int) -> dict[str, str]:
    return {"Idempotency-Key": f"0190b7e2-6a6e-7c1a-9d43-00000000000{n}"}


async def complaints(c) -> int:
    async with c.app.state.db.sessionmaker() as s:
        from services.casework.models import Complaint

        return (await s.execute(select(func.count()).select_from(Complaint))).scalar_one()


async def test_a_retry_with_the_same_key_replays_the_first_answer(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        first = await c.post("/complaints", json=TIP, headers=who.hotline | key(1))
        again = await c.post("/complaints", json=TIP, headers=who.hotline | key(1))
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first.headers
        assert await complaints(c) == 1
        # Without a key, or with another one, the same body is a new complaint.
        ok(await c.post("/complaints", json=TIP, headers=who.hotline), 201)
        ok(await c.post("/complaints", json=TIP, headers=who.hotline | key(2)), 201)
        assert await complaints(c) == 3


async def test_keys_belong_to_their_caller_and_a_reused_key_is_refused(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        ok(await c.post("/complaints", json=TIP, headers=who.hotline | key(1)), 201)
        # Another caller's key space is its own.
        ok(await c.post("/complaints", json=TIP, headers=key(1)), 201)
        assert await complaints(c) == 2
        other = problem(await c.post("/complaints", json=TIP | {"description": "Other"}, headers=who.hotline | key(1)),
                        422)
        assert "header.Idempotency-Key" in fields(other) and "idempotency.key.reused" in rules(other)
        bad = problem(await c.post("/complaints", json=TIP, headers=who.hotline | {"Idempotency-Key": "a b"}), 422)
        assert "idempotency.key.format" in rules(bad)
        assert await complaints(c) == 2


async def test_a_refused_request_keeps_no_key_and_can_be_corrected(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        problem(await c.post("/complaints", json=TIP | {"service_code": "nope"}, headers=who.hotline | key(3)), 422)
        ok(await c.post("/complaints", json=TIP, headers=who.hotline | key(3)), 201)
        assert await complaints(c) == 1


async def test_concurrent_requests_with_one_key_make_one_record(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        answers = await asyncio.gather(*(c.post("/complaints", json=TIP, headers=who.hotline | key(4))
                                         for _ in range(4)))
        codes = sorted(r.status_code for r in answers)
        assert codes.count(201) >= 1 and set(codes) <= {201, 409}, codes
        assert await complaints(c) == 1
        ids = {r.json()[0]["service_request_id"] for r in answers if r.status_code == 201}
        assert len(ids) == 1
        replay = await c.post("/complaints", json=TIP, headers=who.hotline | key(4))
        assert replay.status_code == 201 and replay.json()[0]["service_request_id"] in ids


async def test_a_department_write_in_another_service_is_protected_too(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        h = authority.headers("scjgj", "admin") | key(5)
        item = {"code": "IDEM-1", "name": "Food labels", "legal_basis": "Food Safety Law art. 87",
                "method": "on-site", "kind": "general"}
        first = ok(await c.post("/items", json=item, headers=h), 201)
        again = await c.post("/items", json=item, headers=h)
        assert again.status_code == 201 and again.json()["id"] == first["id"]
        listed = ok(await c.get("/items", headers=h))["items"]
        assert [i["id"] for i in listed if i["code"] == "IDEM-1"] == [first["id"]]


async def test_expired_keys_are_forgotten(databases, authority):
    async with service_client("casework", databases, authority) as c:
        table = c.app.state.idempotency_table
        now = datetime.now(UTC)
        async with c.app.state.db.sessionmaker() as s:
            for name, age in (("old", timedelta(hours=25)), ("fresh", timedelta(hours=1))):
                await s.execute(insert(table).values(caller="x", key=name, fingerprint="f", created_at=now - age))
            assert await forget_expired_keys(s, table, now) == 1
            await s.commit()
            assert (await s.execute(select(table.c.key))).scalars().all() == ["fresh"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_every_post_documents_the_key(databases, authority):
    posts = []
    for service in ("credit", "inspection", "casework", "disclosure"):
        async with service_client(service, databases, authority) as c:
            doc = ok(await c.get("/openapi.json"))
            posts += [ops["post"] for ops in doc["paths"].values() if "post" in ops]
    assert len(posts) > 20
    for op in posts:
        assert "Idempotency-Key" in [p["name"] for p in op.get("parameters", [])], op["operationId"]


async def test_a_post_that_only_computes_holds_no_lock_and_is_not_replayed(databases, authority):
    """The discretion recommendation computes and writes nothing: with a key it must neither keep the
    database locked (a complaint filed meanwhile completes) nor store an answer that a retry replays."""
    who = Callers(authority)
    facts = {"uscc": USCC_A, "corrected_promptly": True, "harm": "minor"}
    async with service_client("casework", databases, authority) as c:
        rec, complaint = await asyncio.gather(
            c.post("/discretion/food_labelling/recommendation", json=facts, headers=who.officer | key(6)),
            c.post("/complaints", json=TIP, headers=who.hotline),
        )
        assert rec.status_code == 200, rec.text
        assert complaint.status_code == 201, complaint.text
        again = await c.post("/discretion/food_labelling/recommendation", json=facts, headers=who.officer | key(6))
        assert again.status_code == 200 and "Idempotent-Replayed" not in again.headers
        async with c.app.state.db.sessionmaker() as s:
            assert (await s.execute(select(func.count()).select_from(c.app.state.idempotency_table))).scalar_one() == 0
        assert await complaints(c) == 1


async def test_a_key_whose_request_died_after_its_commit_gets_its_outcome_not_a_day_of_409(databases, authority):
    from services.casework.models import bus_tables

    from shared.idempotency import LEASE

    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        ok(await c.post("/complaints", json=TIP, headers=who.hotline | key(7)), 201)
        # The state a crash between the commit and the stored answer leaves: the key (committed
        # with the change) and no answer.
        t = bus_tables.idempotency
        async with c.app.state.db.sessionmaker() as s:
            await s.execute(t.update().values(status_code=None, body=None, content_type=None))
            await s.commit()
        assert (await c.post("/complaints", json=TIP, headers=who.hotline | key(7))).status_code == 409  # in flight?
        async with c.app.state.db.sessionmaker() as s:
            await s.execute(t.update().values(created_at=datetime.now(UTC) - LEASE - timedelta(seconds=1)))
            await s.commit()
        for _ in range(2):  # the outcome, and the same again for a later retry
            again = await c.post("/complaints", json=TIP, headers=who.hotline | key(7))
            assert again.status_code == 200, again.text
            assert again.json()["outcome"] == "committed"
            assert again.headers["Idempotent-Replayed"] == "true"
            assert again.headers["Idempotency-Outcome"] == "committed-answer-lost"
        assert await complaints(c) == 1  # never a second complaint
