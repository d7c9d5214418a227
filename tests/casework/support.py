"""Helpers for the casework API tests: callers, and walking a case to a given step."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from services.casework.cases.service import today

USCC_A = "91310000MA1FL0001R"
USCC_B = "91310101MA1FP0002P"
USCC_C = "91310104MA1FQ0003X"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
TEAM = [{"officer_id": "officer-zhang"}, {"officer_id": "officer-li"}]


class Callers:
    def __init__(self, authority: Any, department: str = "scjgj") -> None:
        self.officer = authority.headers(department, "case_officer")
        self.reviewer = authority.headers(department, "legal_reviewer")
        self.reviewer_id = f"test-{department}-legal_reviewer"
        self.auditor = authority.headers("sthjj", "auditor")
        self.other = authority.headers("yjj", "case_officer")
        self.hotline = authority.headers("hotline", "intake", kind="service")


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


def ok(r: Any, status: int = 200) -> dict:
    assert r.status_code == status, r.text
    return r.json()


async def lead(c: Any, who: Callers, *, uscc: str = USCC_A, received_on: str | None = None,
               violation_type: str = "food_labelling", **extra: Any) -> dict:
    body = {"matter_code": "scjgj-001", "uscc": uscc, "party_name": "上海某某食品有限公司",
            "violation_type": violation_type, "summary": "biscuits without production date", **extra}
    if received_on:
        body["received_on"] = received_on
    return ok(await c.post("/cases", json=body, headers=who.officer), 201)


async def step(c: Any, who: Callers, case_id: str, action: str, body: dict | None = None,
               status: int = 200) -> dict:
    return ok(await c.post(f"/cases/{case_id}/{action}", json=body or {}, headers=who.officer), status)


async def investigating(c: Any, who: Callers, *, uscc: str = USCC_A, back: int = 40,
                        team: list[dict] | None = None) -> dict:
    """A case filed `back - 5` days ago and under investigation."""
    case = await lead(c, who, uscc=uscc, received_on=days_ago(back))
    await step(c, who, case["id"], "review_lead")
    await step(c, who, case["id"], "file", {"investigators": team or TEAM, "on": days_ago(back - 5)})
    return await step(c, who, case["id"], "start_investigation")


async def ready_to_decide(c: Any, who: Callers, *, uscc: str = USCC_A, fine: str = "20000.00",
                          kinds: list[str] | None = None, back: int = 40) -> dict:
    case = await investigating(c, who, uscc=uscc, back=back)
    await step(c, who, case["id"], "notify_rights", {"penalty_kinds": kinds or ["fine"], "fine_amount": fine,
                                                     "on": days_ago(back - 10)})
    return await step(c, who, case["id"], "propose_decision")


def penalty(case_id: str, fine: str = "20000.00", **extra: Any) -> dict:
    return {"case_id": case_id, "decision_kind": "penalty", "penalty_kinds": ["fine"], "fine_amount": fine,
            "legal_basis": "Food Safety Law art. 125(1)(2)", "summary": "sold biscuits without production date",
            **extra}


def problem(r: Any, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers["content-type"]
    return r.json()


def fields(body: dict) -> set[str]:
    return {e["field"] for e in body.get("errors") or []}


def rules(body: dict) -> set[str]:
    return {e["rule"] for e in body.get("errors") or []}


def as_date(s: str) -> date:
    return date.fromisoformat(s)
