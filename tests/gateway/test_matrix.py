"""The authorization matrix (gateway/access/matrix.yaml) against the real thing.

- Complete: every operation of every service found under services/ (each app's OpenAPI, so a new
  service or route is found by itself) has exactly one row, and no row names a route that is gone.
- True: every cell is exercised through the gateway running on a real port, over real HTTP, with a
  real token per caller; an `allow` must reach the service (a stub that answers every path, so the
  gateway's decision is what is measured), a refusal must come from the gateway with that status.
- Documented: docs/authorization.md is the rendering of the same table.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.docs.matrix import ALLOW, load_matrix, render
from gateway.docs.openapi import sample_path
from gateway.identity.clients import Client
from shared.contracts.roles import DEPARTMENT_ROLES
from tests.gateway.support import gateway_settings, serving, stub_upstream

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
MATRIX = load_matrix()


def services() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "services").glob("*/app.py"))


@cache
def operations() -> set[tuple[str, str]]:
    """(METHOD, gateway path) of every operation every service documents."""
    ops = set()
    for service in services():
        app = importlib.import_module(f"services.{service}.app").create_app()
        for path, item in app.openapi()["paths"].items():
            ops |= {(m.upper(), f"/{service}{path}") for m in item if m in ("get", "post", "put", "patch", "delete")}
    return ops


def caller_token(app, caller: str) -> dict[str, str]:
    if caller == "public":
        return {}
    kind, department, roles = ("service", "hotline", ()) if caller == "hotline" else ("department", "scjgj", (caller,))
    client = Client(client_id=f"matrix-{caller}", department=department, roles=roles, kind=kind, scopes=(),
                    secret_hash="", created_at="")
    return {"Authorization": f"Bearer {app.runtime.issuer.issue_token(client)[0]}"}


def reached_service(r: httpx.Response) -> bool:
    """The stub behind the gateway answers every call with the path it received."""
    if not r.headers.get("content-type", "").startswith("application/json"):
        return False
    body = r.json()
    return isinstance(body, dict) and "path" in body and "size" in body


def test_every_operation_has_one_row_and_no_row_is_stale():
    rows = [(r.method, r.path) for r in MATRIX.rows]
    assert len(rows) == len(set(rows)), "an operation has two rows"
    missing = sorted(operations() - set(rows))
    stale = sorted(set(rows) - operations())
    assert not missing, "operations without a row in gateway/access/matrix.yaml:\n" + "\n".join(
        f"  {m} {p}" for m, p in missing)
    assert not stale, "rows for operations no service has:\n" + "\n".join(f"  {m} {p}" for m, p in stale)
    assert set(MATRIX.callers) == {"public", "hotline", *DEPARTMENT_ROLES}, "a caller column per role"


def test_the_docs_page_is_rendered_from_the_matrix():
    page = (ROOT / "docs" / "authorization.md").read_text(encoding="utf-8")
    assert page == render(MATRIX), "docs/authorization.md is stale: python -m gateway.docs.matrix > docs/authorization.md"


async def test_every_cell_holds_through_the_gateway_over_real_http(tmp_path):
    async with stub_upstream() as upstream:
        settings = gateway_settings(tmp_path, **{f"{s}_url": upstream for s in services()},
                                    rate_per_second=100_000, rate_burst=100_000)
        gateway = create_app(settings)
        with serving(gateway) as server:
            tokens = {c: caller_token(gateway, c) for c in MATRIX.callers}
            wrong = []
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
                for row in MATRIX.rows:
                    path = sample_path(row.path)
                    body = {} if row.method in ("POST", "PUT", "PATCH") else None
                    for caller, expected in row.cells.items():
                        r = await http.request(row.method, path, headers=tokens[caller], json=body)
                        reached = reached_service(r)
                        if expected == ALLOW and not reached:
                            wrong.append(f"{caller:15} {row.method} {row.path}: allow expected, gateway {r.status_code}")
                        elif expected != ALLOW and (reached or r.status_code != expected):
                            got = "reached the service" if reached else r.status_code
                            wrong.append(f"{caller:15} {row.method} {row.path}: {expected} expected, got {got}")
            assert not wrong, f"{len(wrong)} cells do not hold:\n" + "\n".join(wrong)
