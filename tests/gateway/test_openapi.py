"""The merged OpenAPI document, from the services' real documents (apps built, no server)."""

from __future__ import annotations

import importlib
import json
from functools import cache

import pytest

from gateway.access.policy import load_policy
from gateway.docs.openapi import HTTP_METHODS, MergedOpenAPI, merge_documents
from tests.gateway.support import closed_port

pytestmark = pytest.mark.anyio
POLICY = load_policy()
SERVICES = ("credit", "inspection", "casework", "disclosure")


@cache
def service_docs() -> dict[str, dict]:
    return {s: importlib.import_module(f"services.{s}.app").create_app().openapi() for s in SERVICES}


def own_doc() -> dict:
    return {"openapi": "3.1.0", "info": {"title": "gateway", "version": "1"},
            "paths": {"/oauth/token": {"post": {"operationId": "issue_token", "tags": ["identity"],
                                                "security": [{"clientBasic": []}],
                                                "responses": {"200": {"description": "ok"}}}}}}


def operations(doc: dict):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op


def refs(node) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def test_paths_prefixed_operation_ids_prefixed_and_unique_refs_resolve():
    merged = merge_documents(service_docs(), own_doc(), POLICY)
    ops = list(operations(merged))
    ids = [op["operationId"] for _, _, op in ops]
    assert len(ids) == len(set(ids))
    assert "credit_register_subject" in ids and "gateway_issue_token" in ids
    for path, _, op in ops:
        service = op["operationId"].split("_", 1)[0]
        assert service == "gateway" or path.startswith(f"/{service}/"), (path, op["operationId"])
        assert all(t.startswith(f"{service}: ") for t in op["tags"]), op["tags"]
    for ref in refs(merged):
        _, _, section, name = ref.split("/", 3)
        assert name in merged["components"][section], ref
    # Every documented service operation is either in the merged document or deliberately unreachable.
    total = sum(1 for doc in service_docs().values() for _ in operations(doc))
    assert len(ops) - 1 + len(merged["x-unreachable-operations"]) == total
    assert all(p.split()[1].endswith(("/healthz", "/readyz", "/metrics")) for p in merged["x-unreachable-operations"])
    json.dumps(merged)  # serialisable as is


def test_security_schemes_and_per_operation_security():
    merged = merge_documents(service_docs(), own_doc(), POLICY)
    schemes = merged["components"]["securitySchemes"]
    assert schemes["oauth2"]["flows"]["clientCredentials"]["tokenUrl"] == "/oauth/token"
    assert schemes["bearerJWT"] == {**schemes["bearerJWT"], "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert "security" not in merged  # no global requirement: public operations need none
    by_id = {op["operationId"]: (path, op) for path, _, op in operations(merged)}
    register = by_id["credit_register_subject"][1]
    assert register["security"] == [{"oauth2": []}, {"bearerJWT": []}]
    assert register["x-policy"]["department_roles"] == ["credit_officer"]
    public = by_id["disclosure_search_records"][1]
    assert "security" not in public and public["x-policy"]["public"] is True
    assert by_id["gateway_issue_token"][1]["security"] == [{"clientBasic": []}]


def test_clashing_component_names_are_prefixed_everywhere_and_identical_ones_shared():
    def doc(op_id: str, subject_props: dict) -> dict:
        return {"paths": {"/subjects": {"get": {
                    "operationId": op_id, "tags": ["t"], "responses": {"200": {"description": "ok", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Subject"}}}}}}}},
                "components": {"schemas": {"Subject": {"type": "object", "properties": subject_props},
                                           "Problem": {"type": "object"}}}}

    merged = merge_documents({"credit": doc("search_subjects", {"uscc": {"type": "string"}}),
                              "inspection": doc("list_objects", {"name": {"type": "string"}})}, own_doc(), POLICY,
                             prefixes={"credit": "/credit", "inspection": "/inspection"})
    schemas = merged["components"]["schemas"]
    assert {"credit_Subject", "inspection_Subject", "Problem"} <= set(schemas) and "Subject" not in schemas
    credit_ref = merged["paths"]["/credit/subjects"]["get"]["responses"]["200"]["content"]["application/json"]
    assert credit_ref["schema"]["$ref"] == "#/components/schemas/credit_Subject"


async def test_a_down_upstream_is_marked_and_its_operations_left_out():
    down = f"http://127.0.0.1:{closed_port()}"
    merger = MergedOpenAPI({s: down for s in SERVICES}, POLICY, own_doc, retry_seconds=0)
    doc = await merger.document()
    assert {s: doc["x-upstreams"][s]["status"] for s in SERVICES} == {s: "down" for s in SERVICES}
    assert list(doc["paths"]) == ["/oauth/token"]
    assert "NOT AVAILABLE" in doc["info"]["description"]


def test_every_operation_documents_the_problems_the_gateway_can_answer():
    """Found: only 3 of 130 operations documented the 429 the gateway returns."""
    merged = merge_documents(service_docs(), own_doc(), POLICY)
    checked = 0
    for path, _, op in operations(merged):
        if op["operationId"].startswith("gateway_"):
            continue
        codes = set(op["responses"])
        assert "429" in codes, (path, op["operationId"])
        if "requestBody" in op:
            assert "413" in codes and "422" in codes, (path, op["operationId"])
        if not op["x-policy"]["public"]:
            assert {"401", "403"} <= codes, (path, op["operationId"])
        if "{" in path:
            assert "404" in codes, (path, op["operationId"])
        for code in codes - {"default"}:
            if code[0] in "45":  # a body schema to parse it by (problem+json; Open311 keeps its own format)
                assert any("schema" in media for media in op["responses"][code]["content"].values()), (path, code)
        checked += 1
    assert checked > 100
