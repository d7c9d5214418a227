"""Open311 GeoReport v2 on the casework service: the standard's documents and errors in json and xml,
the same intake rules as the native API, the status mapping, and nothing of the reporter in public."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from services.casework.cases.service import today
from services.casework.complaints.service import FINISHED_CASE_STATES
from services.casework.open311.service import CASE_NOTES
from services.casework.rules.routing import ROUTING_TABLES
from services.casework.rules.workflow import CaseState
from shared.catalogue.model import parse_version
from shared.catalogue.readmodel import sample_document
from shared.workdays import working_deadline
from tests.auth_support import service_client
from tests.casework.support import USCC_A, Callers, ok, step

pytestmark = pytest.mark.anyio

ROOT = "/open311/v2"
FORM = {"service_code": "food-safety", "description": "Expired milk on sale at the corner shop",
        "address_string": "上海市黄浦区南京东路100号", "first_name": "Wei", "last_name": "Wangxiaoming",
        "phone": "13912345678", "email": "wei.w@example.cn", "device_id": "device-77", "account_id": "acct-9",
        "attribute[request_kind]": "tip_off", "attribute[business_uscc]": USCC_A,
        "attribute[business_name]": "上海某某食品有限公司"}
REPORTER = ("Wangxiaoming", "13912345678", "wei.w@example.cn", "device-77", "acct-9", "南京东路", "Expired milk",
            USCC_A, "某某食品")


def errors(r, status: int) -> list[dict]:
    """The GeoReport error list (never problem+json)."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert isinstance(body, list) and body and all(set(e) == {"code", "description"} for e in body), body
    assert {e["code"] for e in body} == {status}
    return body


def described(r, status: int) -> str:
    return " | ".join(e["description"] for e in errors(r, status))


async def post(c, who: Callers, data: dict, fmt: str = "json"):
    return await c.post(f"{ROOT}/requests.{fmt}", data=data, headers=who.hotline)


async def test_services_and_definitions_in_json_and_xml(databases, authority):
    async with service_client("casework", databases, authority) as c:
        listed = ok(await c.get(f"{ROOT}/services.json"))
        assert isinstance(listed, list)
        assert {s["service_code"] for s in listed} == set(ROUTING_TABLES[-1].services)
        food = next(s for s in listed if s["service_code"] == "food-safety")
        assert set(food) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
        assert food["metadata"] is True and food["type"] == "realtime"
        xml = await c.get(f"{ROOT}/services.xml")
        assert xml.status_code == 200 and xml.headers["content-type"].startswith("text/xml")
        root = ElementTree.fromstring(xml.content)
        assert root.tag == "services" and len(root.findall("service")) == len(listed)
        assert root.find("service/metadata").text == "true"

        definition = ok(await c.get(f"{ROOT}/services/food-safety.json"))
        assert definition["service_code"] == "food-safety"
        kind = next(a for a in definition["attributes"] if a["code"] == "request_kind")
        assert kind["datatype"] == "singlevaluelist" and {v["key"] for v in kind["values"]} == {"complaint", "tip_off"}
        xml_def = ElementTree.fromstring((await c.get(f"{ROOT}/services/food-safety.xml")).content)
        assert xml_def.tag == "service_definition"
        assert {a.findtext("code") for a in xml_def.findall("attributes/attribute")} == \
            {a["code"] for a in definition["attributes"]}
        assert len(xml_def.findall("attributes/attribute/values/value")) == 2

        assert "no service 'nope'" in described(await c.get(f"{ROOT}/services/nope.json"), 404)
        assert "format" in described(await c.get(f"{ROOT}/services.csv"), 400)
        assert "jurisdiction_id" in described(await c.get(f"{ROOT}/services.json?jurisdiction_id=beijing"), 400)
        assert ok(await c.get(f"{ROOT}/services.json?jurisdiction_id=310000")) == listed
        bad_xml = await c.get(f"{ROOT}/services/nope.xml")
        assert bad_xml.status_code == 404
        assert ElementTree.fromstring(bad_xml.content).findtext("error/code") == "404"


async def test_post_routes_like_the_native_intake_and_refuses_bad_input_by_field(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        [made] = ok(await post(c, who, FORM), 201)
        assert made["token"] == made["service_request_id"] and made["account_id"] == "acct-9"
        due = working_deadline(today(), 7).due
        assert due.isoformat() in made["service_notice"] and "7 working days" in made["service_notice"]
        # The same complaint the native API holds: routed to market regulation, the sender kept apart.
        native = ok(await c.get(f"/complaints/{made['service_request_id']}", headers=who.officer))
        assert (native["department"], native["matter_code"], native["request_kind"]) == ("scjgj", "scjgj-001", "tip_off")
        assert native["acceptance_due"] == due.isoformat() and native["channel"] == "hotline"
        assert native["sender"] == {"first_name": "Wei", "last_name": "Wangxiaoming", "phone": "13912345678",
                                    "email": "wei.w@example.cn"}
        assert native["business_uscc"] == USCC_A

        by_position = {"service_code": "drugs", "description": "fake pills", "lat": "31.230416", "long": "121.473701"}
        [drugs] = ok(await post(c, who, by_position), 201)
        assert ok(await c.get(f"/complaints/{drugs['service_request_id']}", headers=who.auditor))["department"] == "yjj"
        xml = await post(c, who, by_position, "xml")
        assert xml.status_code == 201
        assert ElementTree.fromstring(xml.content).find("request/service_request_id").text

        for bad, field in (({**FORM, "service_code": "nope"}, "service_code"),
                           ({**FORM, "email": "not-an-email"}, "email"),
                           ({**FORM, "lat": "95", "long": "121"}, "lat"),
                           ({**FORM, "description": "x" * 4001}, "description"),
                           ({**FORM, "attribute[business_uscc]": "91310000MA1FL0001X"}, "attribute[business_uscc]"),
                           ({**FORM, "attribute[request_kind]": "gossip"}, "attribute[request_kind]"),
                           ({**FORM, "attribute[colour]": "red"}, "attribute[colour]"),
                           ({**FORM, "address_id": "A-1"}, "address_id"),
                           ({**FORM, "jurisdiction_id": "beijing"}, "jurisdiction_id"),
                           ({k: v for k, v in FORM.items() if k != "address_string"}, "address_string"),
                           ({**FORM, "description": "nul\x00inside"}, "description")):
            assert described(await post(c, who, bad), 400).startswith(f"{field}"), field
        # A retried POST with the same Idempotency-Key is the first request, not a second one.
        retry = {**who.hotline, "Idempotency-Key": "0f6b4c1e-1111-4222-8333-944455556666"}
        first, again = [await c.post(f"{ROOT}/requests.json", data=by_position, headers=retry) for _ in range(2)]
        assert ok(first, 201) == ok(again, 201) and again.headers["idempotent-replayed"] == "true"
        bad_xml = await post(c, who, {**FORM, "service_code": "nope"}, "xml")
        assert bad_xml.status_code == 400 and ElementTree.fromstring(bad_xml.content).tag == "errors"
        # Anonymous: no api_key, no request (the native API keeps its anonymous intake).
        assert "api_key" in described(await c.post(f"{ROOT}/requests.json", data=FORM), 403)
        # Nothing half-written: only the four good requests exist.
        assert len(ok(await c.get("/complaints", headers=who.auditor))["items"]) == 4


async def test_public_answers_carry_nothing_of_the_reporter(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        [made] = ok(await post(c, who, FORM), 201)
        rid = made["service_request_id"]
        answers = [await c.get(f"{ROOT}/requests.{fmt}") for fmt in ("json", "xml")]
        answers += [await c.get(f"{ROOT}/requests/{rid}.{fmt}") for fmt in ("json", "xml")]
        answers += [await c.get(f"{ROOT}/tokens/{rid}.json")]
        for answer in answers:
            assert answer.status_code == 200, answer.text
            for value in REPORTER:
                assert value not in answer.text, (answer.url, value)
        [one] = ok(answers[2])
        assert set(one) == {"service_request_id", "status", "status_notes", "service_name", "service_code",
                            "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                            "expected_datetime"}


async def test_status_follows_the_answer_and_the_case(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        [made] = ok(await post(c, who, FORM), 201)
        rid = made["service_request_id"]

        async def seen() -> dict:
            [r] = ok(await c.get(f"{ROOT}/requests/{rid}.json"))
            return r

        received = await seen()
        due = working_deadline(today(), 7).due
        assert received["status"] == "open" and due.isoformat() in received["status_notes"]
        # The department's name from the supervision catalogue in force.
        assert received["agency_responsible"] == "上海市市场监督管理局 Shanghai Administration for Market Regulation"
        assert received["expected_datetime"] == f"{due.isoformat()}T23:59:59+08:00"
        assert datetime.fromisoformat(received["requested_datetime"]).utcoffset() == timedelta(hours=8)
        assert ok(await c.get(f"{ROOT}/tokens/{rid}.json")) == [{"service_request_id": rid, "token": rid}]

        accepted = ok(await c.post(f"/complaints/{rid}/accept", json={"reason": "ours"}, headers=who.officer))
        lead = await seen()
        assert lead["status"] == "open" and lead["expected_datetime"] is None
        assert lead["status_notes"] == f"Accepted on {today()}; {CASE_NOTES[CaseState.LEAD]}."
        assert lead["updated_datetime"] >= received["updated_datetime"]
        await step(c, who, accepted["case_id"], "review_lead")
        assert (await seen())["status_notes"].endswith(f"{CASE_NOTES[CaseState.FILING_REVIEW]}.")
        await step(c, who, accepted["case_id"], "decline_filing", {"reason": "no violation on verification"})
        done = await seen()
        assert done["status"] == "closed" and done["status_notes"].endswith(f"{CASE_NOTES[CaseState.NOT_FILED]}.")
        assert "no violation" not in done["status_notes"]  # the officer's words stay in the case

        [other] = ok(await post(c, who, {**FORM, "description": "another"}), 201)
        ok(await c.post(f"/complaints/{other['service_request_id']}/refuse", json={"reason": "a civil dispute, "
                                                                                 "Mr Wangxiaoming"},
                        headers=who.officer))
        [refused] = ok(await c.get(f"{ROOT}/requests/{other['service_request_id']}.json"))
        assert refused["status"] == "closed" and "Not accepted" in refused["status_notes"]
        assert "Wangxiaoming" not in refused["status_notes"]

        # The list filters by status, service, ids and time.
        def ids(r) -> set[str]:
            return {x["service_request_id"] for x in ok(r)}

        assert ids(await c.get(f"{ROOT}/requests.json?status=closed")) == {rid, other["service_request_id"]}
        assert ids(await c.get(f"{ROOT}/requests.json?status=open")) == set()
        assert ids(await c.get(f"{ROOT}/requests.json?status=open,closed&service_code=drugs")) == set()
        assert ids(await c.get(f"{ROOT}/requests.json?service_request_id={rid},ffff")) == {rid}
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        assert ids(await c.get(f"{ROOT}/requests.json", params={"start_date": tomorrow})) == set()
        assert ids(await c.get(f"{ROOT}/requests.json", params={"end_date": tomorrow})) == {rid, other["service_request_id"]}
        assert len(ok(await c.get(f"{ROOT}/requests.json?page_size=1"))) == 1
        assert len(ok(await c.get(f"{ROOT}/requests.json?page_size=1&page=3"))) == 0
        for query, field in (("status=pending", "status"), ("service_code=nope", "service_code"),
                             ("start_date=2026-13-01", "start_date"), ("start_date=2026-12-01T00:00:00", "start_date"),
                             ("start_date=2026-01-01&end_date=2026-12-01", "end_date"),
                             ("start_date=2026-12-01&end_date=2026-11-01", "start_date"),
                             ("page_size=0", "page_size"), ("page_size=1001", "page_size"),
                             ("jurisdiction_id=x", "jurisdiction_id")):
            assert described(await c.get(f"{ROOT}/requests.json?{query}"), 400).startswith(field), query
        assert "no service request" in described(await c.get(f"{ROOT}/requests/ffff.json"), 404)
        assert "no service request" in described(await c.get(f"{ROOT}/tokens/not-a-token!.json"), 404)


def test_every_case_state_has_public_words_and_a_status():
    assert set(CASE_NOTES) == set(CaseState)
    assert FINISHED_CASE_STATES < set(CaseState)


def test_every_routed_department_has_a_name_in_the_sample_catalogue():
    routed = {s.department for table in ROUTING_TABLES for s in table.services.values()}
    assert routed <= set(parse_version(sample_document()).departments)
