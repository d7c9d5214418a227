"""Bad input to any route of any service is a problem+json 4xx, never a 500.

The Open311 GeoReport v2 routes answer in the standard's own error format instead (a list of
{code, description}), which is what an Open311 client parses.

Walks every operation in each service's OpenAPI and sends it malformed path values,
malformed JSON, wrong types and oversized strings, as a public caller and as a department.
"""

from __future__ import annotations

import re

import pytest

from tests.auth_support import service_client

pytestmark = pytest.mark.anyio

SERVICES = ["credit", "inspection", "casework", "disclosure", "coordination"]
BAD_PATH_VALUES = ["%00", "x" * 300, "-1", "91110000600037341A", "'; drop table x;--"]
BAD_BODIES = [b"{", b"[]", b'{"unexpected": true}', b'"just a string"', b'{"uscc": 12, "name": null, "limit": -5}',
              b'{"name": "a\\u0000b", "uscc": "\\u0000", "summary": "\\u0000", "description": "\\u0000"}']


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


@pytest.mark.parametrize("service", SERVICES)
async def test_every_route_answers_bad_input_with_problem_json(service, databases, authority):
    async with service_client(service, databases, authority) as c:
        spec = (await c.get("/openapi.json")).json()
        callers = [{}, authority.headers("scjgj", "inspector", "case_officer", "legal_reviewer", "credit_officer",
                                         "auditor", "admin")]
        checked = 0
        for path, ops in spec["paths"].items():
            if path in ("/metrics",):
                continue
            for method in ops:
                for headers in callers:
                    for value in BAD_PATH_VALUES[: 1 if "{" not in path else None]:
                        url = _fill(path, value)
                        if method in ("post", "put", "patch"):
                            for body in BAD_BODIES:
                                r = await c.request(method, url, content=body,
                                                    headers=headers | {"content-type": "application/json"})
                                _assert_not_server_error(r, method, url)
                                checked += 1
                        else:
                            r = await c.request(method, url, params={"limit": "-1", "cursor": "!!", "date_from": "x"},
                                                headers=headers)
                            _assert_not_server_error(r, method, url)
                            checked += 1
        assert checked > 0


OPEN311 = "/open311/v2/"


def _assert_not_server_error(r, method: str, url: str) -> None:
    assert r.status_code < 500, f"{method.upper()} {url} -> {r.status_code}: {r.text[:300]}"
    if r.status_code >= 400 and OPEN311 in url and not r.headers["content-type"].startswith("application/problem"):
        # Refusals before the route (a NUL in the path, no token) stay the platform's problem+json.
        if r.headers["content-type"].startswith("application/json"):
            errors = r.json()
            assert isinstance(errors, list) and errors and {"code", "description"} <= set(errors[0]), (
                f"{method.upper()} {url} -> {r.status_code}: {r.text[:300]}")
        else:  # the XML flavour of the same errors
            assert r.headers["content-type"].startswith(("application/xml", "text/xml")) and b"<errors>" in r.content
    elif r.status_code >= 400:
        assert r.headers["content-type"].startswith("application/problem+json"), (
            f"{method.upper()} {url} -> {r.status_code} with {r.headers['content-type']}")
        body = r.json()
        assert body["status"] == r.status_code and body["title"]
