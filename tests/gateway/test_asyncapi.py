"""The AsyncAPI 3.0 document of the events: valid against the official schema (vendored in
tests/data/, from the asyncapi/spec-json-schemas repository), generated from the contract
registry so that every contract in shared/contracts/ is in it, and shown on an offline page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gateway.docs.asyncapi import build_asyncapi, message_key
from shared.contracts import EventPayload, all_contracts, schema_uri
from tests.gateway.support import gateway_client, gateway_settings

pytestmark = pytest.mark.anyio
SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "asyncapi-3.0.0.schema.json").read_text())


def _pointer(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [node["$ref"]] if isinstance(node.get("$ref"), str) else [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _inline(node: Any, lookup) -> Any:
    """A schema with every local `$ref` replaced by what it names (the payload as one tree)."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            return _inline(lookup(node["$ref"]), lookup)
        return {k: _inline(v, lookup) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, lookup) for v in node]
    return node


async def test_served_document_is_valid_asyncapi_3(tmp_path):
    async with gateway_client(gateway_settings(tmp_path)) as c:
        resp = await c.get("/asyncapi.json")
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/json"
    doc = resp.json()
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in jsonschema.Draft7Validator(SCHEMA).iter_errors(doc)]
    assert errors == []
    assert doc["asyncapi"] == "3.0.0"
    for ref in _refs(doc):  # the schema does not check that references resolve: we do
        _pointer(doc, ref)
    # The validator really looks inside: a wrong operation action is refused.
    doc["operations"][next(iter(doc["operations"]))]["action"] = "publish"
    assert any(True for _ in jsonschema.Draft7Validator(SCHEMA).iter_errors(doc))


def test_every_contract_is_a_message_with_its_payload_schema_and_cloudevents_headers():
    doc = build_asyncapi()
    contracts = all_contracts()
    assert set(doc["channels"]) == {t for t, _ in contracts}
    messages = doc["components"]["messages"]
    assert set(messages) == {message_key(t, v) for t, v in contracts}
    for (event_type, version), model in contracts.items():
        key = message_key(event_type, version)
        assert doc["channels"][event_type]["address"] == event_type
        assert key in doc["channels"][event_type]["messages"]
        message = messages[key]
        schema = model.model_json_schema()
        expected = _inline(schema, lambda ref, s=schema: s["$defs"][ref.rsplit("/", 1)[1]])
        assert _inline(message["payload"], lambda ref: _pointer(doc, ref)) == expected, key
        headers = message["headers"]["properties"]
        assert headers["ce-type"]["const"] == event_type
        assert headers["ce-dataschema"]["const"] == schema_uri(event_type, version) == model.dataschema()
        assert headers["ce-specversion"]["const"] == "1.0"
        assert headers["ce-source"]["const"] == f"/supervision/{event_type.split('.')[1]}"
        assert {"ce-id", "ce-time", "ce-subject", "traceparent"} <= set(headers)
        operation = doc["operations"][f"{event_type}.send"]
        assert {"$ref": f"#/channels/{event_type}/messages/{key}"} in operation["messages"]


def test_a_new_contract_version_and_a_clashing_enum_flow_in_from_the_registry():
    contracts = all_contracts()
    base = contracts[("sup.credit.record.added", 1)]

    class RecordAddedV2(base):  # a breaking change: version 2 beside version 1
        extra_field: int

    RecordAddedV2.event_type, RecordAddedV2.event_version = "sup.credit.record.added", 2

    class Severity(EventPayload):  # same name as the codes' enum, another meaning
        level: int

    class Probe(EventPayload):
        severity: Severity

    Probe.event_type, Probe.event_version = "sup.platform.clash.recorded", 1
    doc = build_asyncapi(contracts={**contracts, ("sup.credit.record.added", 2): RecordAddedV2,
                                    ("sup.platform.clash.recorded", 1): Probe})
    channel = doc["channels"]["sup.credit.record.added"]
    assert set(channel["messages"]) == {"sup.credit.record.added.v1", "sup.credit.record.added.v2"}
    assert "extra_field" in doc["components"]["messages"]["sup.credit.record.added.v2"]["payload"]["properties"]
    schemas = doc["components"]["schemas"]
    assert "platform_Severity" in schemas and "credit_Severity" in schemas and "Severity" not in schemas
    assert [e.message for e in jsonschema.Draft7Validator(SCHEMA).iter_errors(doc)] == []


def test_bus_credentials_stay_out_of_the_document():
    doc = build_asyncapi("nats://sup-user:s3cret-pass@bus.internal:4222,nats://bus2:4222")
    assert doc["servers"]["bus"]["host"] == "bus.internal:4222"
    assert "s3cret" not in json.dumps(doc)


async def test_asyncapi_page_lists_every_channel_without_external_assets(tmp_path):
    async with gateway_client(gateway_settings(tmp_path)) as c:
        page = await c.get("/docs/asyncapi")
        swagger = await c.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script" not in page.text
    assert not re.findall(r"(?:src|href)=['\"](?:https?:)?//", page.text)
    for event_type, version in all_contracts():
        assert f"id='{event_type}'" in page.text and f"{event_type} v{version}" in page.text
    assert "/docs/asyncapi" in swagger.text
