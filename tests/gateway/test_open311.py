"""Open311 GeoReport v2 through the gateway, driven by published GeoReport clients over real HTTP.

civicbot's `Open311Client` (json; the one Python 3 client on the package index that files
requests and follows tokens) and georeport's `GeoReport` (xml, parsed with xmltodict) know
nothing of this platform: each gets the root URL, and civicbot the intake client's api_key.
The department answers through the native API, as a department system would.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import httpx
import pytest
from civicbot import Endpoint, HttpError, HttpTransport, Open311Client
from civicbot.http import RateLimiter
from georeport import GeoReport

from gateway.app import create_app as create_gateway
from gateway.identity.credentials import create_client
from services.casework.app import create_app as create_casework
from services.casework.settings import CaseworkSettings
from shared.db import Database
from tests.auth_support import load_sample_catalogue
from tests.gateway.support import (
    gateway_client,
    gateway_settings,
    serving,
    stub_upstream,
)

pytestmark = pytest.mark.anyio

REPORTER = {"first_name": "Wei", "last_name": "Wangxiaoming", "phone": "13912345678", "email": "wei.w@example.cn"}


def casework_app(database_url: str, jwks_file):
    return create_casework(CaseworkSettings(database_url=database_url, bus_enabled=False, jwks_file=jwks_file,
                                            migrate_on_start=False, log_json=False))


async def catalogued(database_url: str) -> str:
    """The database with the sample catalogue in casework's read model, as its consumer would keep it."""
    db = Database(database_url, service="casework")
    try:
        await load_sample_catalogue("casework", SimpleNamespace(state=SimpleNamespace(db=db)))
    finally:
        await db.dispose()
    return database_url


def errors_of(exc: HttpError) -> list[dict]:
    body = json.loads(exc.body)
    assert isinstance(body, list) and all(set(e) == {"code", "description"} for e in body), body
    return body


async def test_a_standard_client_files_and_follows_a_request_until_the_department_answers(databases, tmp_path):
    settings = gateway_settings(tmp_path)
    intake_id, intake_secret = create_client(settings, "hotline", [])
    officer = create_client(settings, "scjgj", ["case_officer"])
    with serving(casework_app(await catalogued(await databases.fresh("casework")), settings.jwks_path)) as casework:
        settings = gateway_settings(tmp_path, casework_url=casework.url)
        with serving(create_gateway(settings)) as gateway:
            root = f"{gateway.url}/casework/open311/v2"
            client = Open311Client(Endpoint(id="supervision", name="Shanghai", base_url=root, write=True),
                                   transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)))
            api_key = f"{intake_id}:{intake_secret}"

            services = client.list_services()
            food = next(s for s in services if s["service_code"] == "food-safety")
            assert food["metadata"] is True
            definition = client.get_service_definition("food-safety")
            assert "request_kind" in {a["code"] for a in definition["attributes"]}

            sent = client.create_request("food-safety", dry_run=False, confirm="SEND", api_key=api_key,
                                         validate_remote=True, address_string="上海市黄浦区南京东路100号",
                                         description="Expired milk on sale", attributes={"request_kind": "tip_off"},
                                         device_id="device-77", **REPORTER)
            [created] = sent.response
            assert "7 working days" in created["service_notice"]
            [by_token] = client.get_token(created["token"])
            rid = by_token["service_request_id"]
            assert rid == created["service_request_id"]
            received = client.get_request(rid)
            assert received["status"] == "open" and received["expected_datetime"]
            assert received["agency_responsible"].startswith("上海市市场监督管理局")

            xml_client = GeoReport(root, jurisdiction="310000", output_format="xml")
            assert "food-safety" in {s["service_code"] for s in xml_client.get_service_list()}
            assert xml_client.get_service_definition("food-safety")["service_code"] == "food-safety"
            assert xml_client.get_service_request(rid)["status"] == "open"

            # The department answers through the native API: accepted, verified, no case opened.
            async with httpx.AsyncClient(base_url=gateway.url) as http:
                token = (await http.post("/oauth/token", data={"grant_type": "client_credentials"},
                                         auth=officer)).json()["access_token"]
                bearer = {"Authorization": f"Bearer {token}"}
                accepted = await http.post(f"/casework/complaints/{rid}/accept", json={"reason": "ours"}, headers=bearer)
                assert accepted.status_code == 200, accepted.text
                assert client.get_request(rid)["status"] == "open"
                assert "Accepted" in xml_client.get_service_request(rid)["status_notes"]
                case_id = accepted.json()["case_id"]
                for action, body in (("review_lead", {}), ("decline_filing", {"reason": "no violation found"})):
                    r = await http.post(f"/casework/cases/{case_id}/{action}", json=body, headers=bearer)
                    assert r.status_code == 200, r.text

            closed = client.get_request(rid)
            assert closed["status"] == "closed" and closed["expected_datetime"] is None
            assert rid in {r["service_request_id"] for r in client.list_requests(status="closed")}
            assert xml_client.get_service_requests(service_request_id=rid)["status"] == "closed"
            public = client.http.get_bytes(f"{root}/requests.json").decode() + \
                client.http.get_bytes(f"{root}/requests/{rid}.xml").decode()
            for value in [*REPORTER.values(), "device-77", "南京东路", "Expired milk"]:
                assert value not in public

            # A wrong or missing api_key is refused in GeoReport's shape, and nothing is filed.
            with pytest.raises(HttpError) as wrong:
                client.create_request("food-safety", dry_run=False, confirm="SEND", api_key=f"{intake_id}:nope",
                                      address_string="x", description="y")
            assert wrong.value.status == 403 and "api_key" in errors_of(wrong.value)[0]["description"]
            with pytest.raises(HttpError) as missing:
                client.http.post_form(f"{root}/requests.json", {"service_code": "drugs", "address_string": "x"})
            assert missing.value.status == 403 and "api_key" in errors_of(missing.value)[0]["description"]
            assert [r["service_request_id"] for r in client.list_requests()] == [rid]


async def test_the_gateway_exchanges_the_api_key_and_answers_its_own_refusals_as_open311(tmp_path):
    async with stub_upstream() as upstream:
        settings = gateway_settings(tmp_path, casework_url=upstream, rate_burst=4, rate_per_second=0.01)
        intake_id, intake_secret = create_client(settings, "hotline", [])
        async with gateway_client(settings) as c:
            form = {"api_key": f"{intake_id}:{intake_secret}", "service_code": "drugs", "address_string": "x"}
            forwarded = (await c.post("/casework/open311/v2/requests.json", data=form)).json()
            # Forwarded as the client, with a token, and without the key.
            assert forwarded["authorization"].startswith("Bearer ")
            assert forwarded["size"] == len("service_code=drugs&address_string=x")
            assert forwarded["path"] == "/open311/v2/requests.json"

            unknown = await c.get("/casework/open311/v2/nothing.xml")
            assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/xml")
            assert b"<errors><error><code>404</code>" in unknown.content
            for _ in range(4):  # the POST counted for its client, these for the address
                last = await c.get("/casework/open311/v2/services.json")
            assert last.status_code == 429 and last.headers["retry-after"]
            assert last.json()[0]["code"] == 429
            # The native API keeps problem+json.
            native = await c.get("/casework/complaints")
            assert native.headers["content-type"] == "application/problem+json"


async def test_api_keys_are_checked_only_within_the_address_rate_limit(tmp_path):
    settings = gateway_settings(tmp_path, rate_burst=3, rate_per_second=0.01)
    intake_id, _ = create_client(settings, "hotline", [])
    async with gateway_client(settings) as c:
        guesses = [await c.post("/casework/open311/v2/requests.json", data={"api_key": f"{intake_id}:guess{i}",
                                                                            "service_code": "drugs"})
                   for i in range(4)]
        assert [g.status_code for g in guesses] == [403, 403, 403, 429]
        assert guesses[-1].headers["retry-after"] and guesses[-1].json()[0]["code"] == 429
