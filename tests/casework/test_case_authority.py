"""A case lead names the department's own matter (or one entrusted to it), checked against the catalogue
in force on the date the lead was received."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from services.casework.models import Case
from tests.auth_support import service_client
from tests.casework.support import (
    USCC_C,
    Callers,
    lead,
    penalty,
    problem,
    ready_to_decide,
    rules,
)

pytestmark = pytest.mark.anyio


async def test_a_case_lead_is_on_the_departments_own_or_entrusted_matter(databases, authority):
    async with service_client("casework", databases, authority) as c:
        body = {"matter_code": "scjgj-001", "uscc": USCC_C, "party_name": "上海某某食品有限公司",
                "violation_type": "food_labelling", "summary": "biscuits without production date"}
        r = await c.post("/cases", json=body, headers=authority.headers("yjj", "case_officer"))
        assert problem(r, 403)["rule"] == "authority.matter_not_own"
        r = await c.post("/cases", json=body, headers=authority.headers("xhzhzf", "case_officer"))
        assert problem(r, 403)["rule"] == "authority.matter_not_own"  # the team holds scjgj-006 only
        entrusted = await lead(c, Callers(authority, "xhzhzf"), uscc=USCC_C, matter_code="scjgj-006")
        assert entrusted["matter_code"] == "scjgj-006"
        assert (await lead(c, Callers(authority), uscc=USCC_C))["department"] == "scjgj"


async def test_a_decision_is_on_a_matter_the_case_names_and_the_department_holds(databases, authority):
    async with service_client("casework", databases, authority) as c:
        who = Callers(authority)
        case = await ready_to_decide(c, who, uscc=USCC_C)
        # A case without a matter (an alert's or a transfer's lead) gets none from the decision.
        async with c.app.state.db.sessionmaker() as s:
            await s.execute(update(Case).where(Case.id == case["id"]).values(matter_code=None))
            await s.commit()
        r = await c.post("/decisions", json=penalty(case["id"]), headers=who.officer)
        assert "matter_required" in rules(problem(r, 422))
        r = await c.patch(f"/cases/{case['id']}", json={"matter_code": "yjj-001"}, headers=who.officer)
        assert problem(r, 403)["rule"] == "authority.matter_not_own"
        r = await c.patch(f"/cases/{case['id']}", json={"matter_code": "scjgj-001"}, headers=who.officer)
        assert r.status_code == 200 and r.json()["matter_code"] == "scjgj-001"
