"""Small builders shared by the credit API tests: valid USCCs and ID numbers, subject bodies, records."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from shared.clock import shanghai_today
from shared.identifiers import uscc_check_character

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_counter = itertools.count(1)
ID_NUMBER = "11010519491231002X"


def make_uscc(n: int | None = None, region: str = "310101") -> str:
    """A valid USCC: 91 + region + a 9-character organisation part + the check character."""
    n = next(_counter) + 7_000_000 if n is None else n
    org = ""
    for _ in range(9):
        n, r = divmod(n, 31)
        org = _ALPHABET[r] + org
    first17 = "91" + region + org
    return first17 + uscc_check_character(first17)


def subject_body(uscc: str | None = None, **overrides: Any) -> dict[str, Any]:
    body = {
        "uscc": uscc or make_uscc(), "name": "上海示例贸易有限公司", "subject_type": "enterprise",
        "legal_rep_name": "张三", "legal_rep_id": ID_NUMBER, "registered_address": "上海市黄浦区中山东一路1号",
        "district": "310101", "industry_code": "F5191", "registered_on": "2019-03-15",
    }
    body.update(overrides)
    return body


def days_ago(n: int) -> str:
    return (shanghai_today() - timedelta(days=n)).isoformat()


def today() -> date:
    return shanghai_today()


def penalty(matter: str = "scjgj-001", days: int = 30, **overrides: Any) -> dict[str, Any]:
    body = {"kind": "penalty", "matter_code": matter, "legal_basis": "Food Safety Law art. 124",
            "decision_date": days_ago(days), "summary": "sold food past its shelf life", "severity": "general",
            "penalty_kind": "fine", "amount": "50000.00", "source_ref": f"沪市监处〔2026〕{next(_counter)}号"}
    body.update(overrides)
    return body


async def register(c, authority, **overrides: Any) -> str:
    body = subject_body(**overrides)
    r = await c.post("/subjects", json=body, headers=authority.headers("scjgj", "credit_officer"))
    assert r.status_code == 201, r.text
    return r.json()["uscc"]


async def outbox_events(c, event_type: str, subject: str | None = None) -> list[dict]:
    """Events the service queued for publication (the outbox is the only way out)."""
    import json

    db = c.app.state.db
    t = db.outbox_table
    stmt = select(t.c.data, t.c.subject).where(t.c.event_type == event_type).order_by(t.c.seq)
    if subject:
        stmt = stmt.where(t.c.subject == subject)
    async with db.sessionmaker() as s:
        return [json.loads(row.data) for row in (await s.execute(stmt)).all()]
