"""The discretion benchmark binds (APL arts. 32-34): a fine outside the statutory range is refused,
one outside the recommended band needs a stated reason and then a passed legal review; every demo
department publishes its own violation types.

Found: a ¥99,999 fine for food labelling (band ¥18,500-36,500, statutory maximum ¥50,000) was
accepted, and so were ¥1 and ¥500,000; only market regulation's five sample types existed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.casework.rules.discretion import DiscretionFacts, check_fine, recommend_band
from services.casework.rules.discretion_tables import DISCRETION_TABLES, Band
from services.casework.rules.routing import CASE_DEPARTMENTS
from tests.auth_support import service_client
from tests.casework.support import TEAM, Callers, ok, penalty, problem, ready_to_decide, rules

pytestmark = pytest.mark.anyio


async def test_a_fine_outside_the_statutory_range_is_refused(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await ready_to_decide(c, who, fine="99999.00")
        for fine in ("99999.00", "1.00", "500000.00"):
            body = problem(await c.post("/decisions", json=penalty(case["id"], fine), headers=who.officer), 422)
            [error] = body["errors"]
            assert (error["field"], error["rule"]) == ("body.fine_amount", "statutory_range"), body
            assert "Food Safety Law art. 125" in error["message"]
        assert ok(await c.get(f"/cases/{case['id']}", headers=who.officer))["state"] == "decision_pending"


async def test_outside_the_band_needs_a_reason_then_a_legal_review(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await ready_to_decide(c, who, fine="45000.00")
        cid = case["id"]
        body = problem(await c.post("/decisions", json=penalty(cid, "45000.00"), headers=who.officer), 422)
        assert rules(body) == {"band_departure_reason"} and "18500-36500" in body["detail"]
        reasoned = penalty(cid, "45000.00", band_departure_reason="large quantity of mislabelled goods sold")
        body = problem(await c.post("/decisions", json=reasoned, headers=who.officer), 409)
        assert body["rule"] == "discretion.departure_review" and body["allowed"] == ["submit_for_review"]
        review = ok(await c.post(f"/cases/{cid}/submit_for_review", json={}, headers=who.officer), 201)
        ok(await c.post(f"/cases/{cid}/investigators", json={"investigators": TEAM}, headers=who.officer))
        ok(await c.post(f"/reviews/{review['id']}/pass", json={"opinion": "departure reasoned"},
                        headers=who.reviewer))
        decision = ok(await c.post("/decisions", json=reasoned, headers=who.officer), 201)
        assert decision["discretion"]["band_departure_reason"] == "large quantity of mislabelled goods sold"
        # Within the band: neither reason nor review.
        plain = await ready_to_decide(c, who, uscc="91310101MA1FP0002P", fine="20000.00")
        assert ok(await c.post("/decisions", json=penalty(plain["id"], "20000.00"), headers=who.officer),
                  201)["discretion"]["band_departure_reason"] is None


async def test_a_department_decides_only_on_its_own_benchmark(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await ready_to_decide(c, who, fine="20000.00")
        body = problem(await c.post("/decisions", json=penalty(case["id"], violation_type="air_emission_over_standard"),
                                    headers=who.officer), 422)
        assert rules(body) == {"known_violation_type"} and "scjgj" in body["detail"]


async def test_the_benchmark_is_public_for_every_demo_department(databases, authority):
    async with service_client("casework", databases, authority) as c:
        r = await c.get("/discretion/benchmarks")
        assert r.status_code == 200, r.text
        tables = r.json()["items"]
        assert {t["department"] for t in tables} == set(CASE_DEPARTMENTS)
        assert all(t["sample"] for t in tables)  # demo data says so
        food = next(v for t in tables for v in t["violations"] if v["code"] == "food_labelling")
        assert (Decimal(food["statutory_min"]), Decimal(food["statutory_max"])) == (5000, 50000)
        assert {b["band"] for b in food["bands"]} == {b.value for b in Band}
        only = (await c.get("/discretion/benchmarks", params={"department": "sthjj"})).json()["items"]
        assert [t["department"] for t in only] == ["sthjj"]
        body = problem(await c.get("/discretion/benchmarks", params={"as_of": "2019-01-01"}), 422)
        assert rules(body) == {"rule_in_force"}


def test_every_sample_benchmark_lies_within_its_statutory_range_and_codes_are_unique():
    codes = [code for t in DISCRETION_TABLES for code in t.violations]
    assert len(codes) == len(set(codes))
    for table in DISCRETION_TABLES:
        assert table.sample and table.violations
        for bench in table.violations.values():
            assert bench.legal_basis and bench.statutory.min_amount <= bench.statutory.max_amount
            for band in (Band.LIGHTER, Band.GENERAL, Band.HEAVIER):
                r = bench.bands[band]
                assert bench.statutory.min_amount <= r.min_amount <= r.max_amount <= bench.statutory.max_amount


def test_check_fine_rule():
    rec = recommend_band("food_labelling", DiscretionFacts(), department="scjgj")
    assert check_fine(rec, Band.GENERAL, Decimal(20000)) == (None, False)
    assert check_fine(rec, Band.GENERAL, Decimal(45000)) == (None, True)
    assert check_fine(rec, Band.GENERAL, Decimal(99999)).refused[0] == "statutory_range"
    assert check_fine(rec, Band.GENERAL, Decimal(1)).refused[0] == "statutory_range"
    assert check_fine(rec, Band.MITIGATED, Decimal(1000)) == (None, False)  # below the minimum when mitigated
