"""Every GET of a service answers with an ETag and a Cache-Control, and a 304 without a body when
the caller already has the answer: lists and computed views included (shared/conditional.py)."""

from __future__ import annotations

import pytest

from tests.auth_support import service_client
from tests.credit.helpers import register

pytestmark = pytest.mark.anyio


async def _conditional(c, path: str, headers: dict[str, str]) -> str:
    first = await c.get(path, headers=headers)
    assert first.status_code == 200, (path, first.text)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache" and first.headers["vary"] == "Authorization"
    for sent in (etag, f"W/{etag}", f'"other", {etag}'):
        again = await c.get(path, headers={**headers, "If-None-Match": sent})
        assert again.status_code == 304 and again.content == b"", (path, sent)
        assert again.headers["etag"] == etag and "content-type" not in again.headers
    stale = await c.get(path, headers={**headers, "If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200 and stale.content == first.content
    return etag


async def test_credit_lists_and_computed_views_are_conditional(databases, authority):
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        uscc = await register(c, authority)
        tags = {path: await _conditional(c, path, officer) for path in (
            "/subjects", f"/subjects/{uscc}", f"/subjects/{uscc}/records", f"/subjects/{uscc}/grade",
            f"/subjects/{uscc}/measures")}
        # A change behind the list changes the answer and its tag: the old tag no longer gets a 304.
        await register(c, authority)
        changed = await c.get("/subjects", headers={**officer, "If-None-Match": tags["/subjects"]})
        assert changed.status_code == 200 and changed.headers["etag"] != tags["/subjects"]
        # Refusals are never tagged as if they were the data.
        refused = await c.get(f"/subjects/{uscc}/records")
        assert refused.status_code == 401 and "etag" not in refused.headers


async def test_inspection_plans_are_conditional(databases, authority):
    async with service_client("inspection", databases, authority) as c:
        await _conditional(c, "/plans", authority.headers("scjgj", "inspector"))
