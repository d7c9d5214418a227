"""Test data for the inspection API: valid USCCs, objects in the read model, items, inspectors, plans."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from services.inspection.directory import service as directory
from services.inspection.directory.repository import DirectoryRepository
from services.inspection.directory.service import today
from shared.contracts.credit import (
    GradeChanged,
    ListEntered,
    RiskAlerted,
    SubjectRegistered,
)
from shared.identifiers import uscc_check_character
from shared.ids import new_id

ADMIN = ("scjgj", "admin")


def uscc(i: int, prefix: str = "913101") -> str:
    first = prefix + f"{i:0{17 - len(prefix)}d}"
    return first + uscc_check_character(first)


async def seed_objects(app, specs: list[dict]) -> list[str]:
    """Feed the read model through the same service functions the credit consumers call."""
    codes = []
    async with app.state.db.sessionmaker() as session:
        repo = DirectoryRepository(session)
        for s in specs:
            code = s["uscc"]
            await directory.apply_subject(repo, SubjectRegistered(
                uscc=code, name=s.get("name", f"Company {code}"), subject_type=s.get("subject_type", "enterprise"),
                district=s.get("district", "310104"), industry_code=s.get("industry", "H6210")))
            if s.get("grade"):
                await directory.apply_grade(repo, GradeChanged(uscc=code, grade=s["grade"], score=80.0,
                                                                   rule_set_version="t", as_of=date(2026, 1, 1)))
            if s.get("red"):
                await directory.apply_list_entry(repo, ListEntered(
                    entry_id=new_id(), uscc=code, subject_name="x", list_kind="red", reason="honest",
                    basis="rules", department="scjgj", entered_on=date(2026, 1, 1)))
            if s.get("risk"):
                await directory.apply_risk(repo, RiskAlerted(
                    alert_id=new_id(), uscc=code, subject_name="x", score=70.0, level=s["risk"], reasons=["test"],
                    model_version="t", as_of=date(2026, 1, 1)))
            codes.append(code)
        await session.commit()
    return codes


async def make_item(c, authority, code: str, *, kind: str = "general", dept: str = "scjgj", **extra) -> dict:
    body = {"code": code, "name": f"Item {code}", "legal_basis": "Food Safety Law art. 87", "method": "on site",
            "kind": kind, **extra}
    r = await c.post("/items", json=body, headers=authority.headers(dept, "admin"))
    assert r.status_code == 201, r.text
    return r.json()


async def make_inspector(c, authority, name: str, *, dept: str = "scjgj", **extra) -> dict:
    body = {"name": name, "client_id": f"{dept}-{name}", "qualifications": ["enforcement"], "districts": ["*"],
            **extra}
    r = await c.post("/inspectors", json=body, headers=authority.headers(dept, "admin"))
    assert r.status_code == 201, r.text
    return r.json()


def as_inspector(authority, inspector: dict) -> dict[str, str]:
    return authority.headers(inspector["department"], "inspector", client_id=inspector["client_id"])


async def make_plan(c, authority, item_ids: list[str], *, dept: str = "scjgj", **extra) -> dict:
    start = today()
    body = {"name": "Test plan", "item_ids": item_ids, "period_start": start.isoformat(),
            "period_end": (start + timedelta(days=90)).isoformat(), **extra}
    r = await c.post("/plans", json=body, headers=authority.headers(dept, "admin"))
    assert r.status_code == 201, r.text
    return r.json()


BEACON_DELAY = 1.0  # seconds between the commit and the beacon's publication in tests (reveals come between)


def new_secret() -> tuple[str, str]:
    """A department's secret (hex) and its commitment."""
    secret = os.urandom(32)
    return secret.hex(), hashlib.sha256(secret).hexdigest()


async def commit(c, authority, plan_id: str, *, dept: str = "scjgj", partners: Sequence[str] = (),
                 delay: float = BEACON_DELAY) -> dict[str, str]:
    """Every department hands in a secret commitment, the lead commits naming a beacon ``delay`` s ahead.
    Returns the secrets by department."""
    secrets = {}
    for d in [dept, *partners]:
        secret, commitment = new_secret()
        secrets[d] = secret
        if d != dept:
            r = await c.post(f"/plans/{plan_id}/secret-commitment", json={"secret_commitment": commitment},
                             headers=authority.headers(d, "admin"))
            assert r.status_code == 200, r.text
    published_at = datetime.now(UTC) + timedelta(seconds=delay)
    body = {"secret_commitment": hashlib.sha256(bytes.fromhex(secrets[dept])).hexdigest(),
            "beacon": {"source": "test beacon", "published_at": published_at.isoformat()}}
    r = await c.post(f"/plans/{plan_id}/commit", json=body, headers=authority.headers(dept, "admin"))
    assert r.status_code == 200, r.text
    return secrets


async def reveal_all(c, authority, plan_id: str, secrets: dict[str, str]) -> None:
    for d, secret in secrets.items():
        r = await c.post(f"/plans/{plan_id}/reveal", json={"secret": secret}, headers=authority.headers(d, "admin"))
        assert r.status_code == 200, r.text


async def draw(c, authority, plan_id: str, *, dept: str = "scjgj", beacon_value: str = "4 7 1") -> dict:
    """The draw once the beacon is due (waits for it)."""
    r = await c.get(f"/public/plans/{plan_id}")
    due = datetime.fromisoformat(r.json()["beacon"]["published_at"])
    await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 0.01)
    r = await c.post(f"/plans/{plan_id}/draw", json={"beacon_value": beacon_value},
                     headers=authority.headers(dept, "admin"))
    assert r.status_code == 200, r.text
    return r.json()


async def commit_and_draw(c, authority, plan_id: str, *, dept: str = "scjgj", partners: Sequence[str] = ()) -> dict:
    secrets = await commit(c, authority, plan_id, dept=dept, partners=partners)
    await reveal_all(c, authority, plan_id, secrets)
    return await draw(c, authority, plan_id, dept=dept)


async def published_record(c, plan_id: str) -> dict:
    r = await c.get(f"/public/draws/{plan_id}")
    assert r.status_code == 200, r.text
    return r.json()
