"""The OpenAPI a stranger generates a client from: every operation has a summary, a stable
operation id, an example for its request body, and documents its problem responses."""

from __future__ import annotations

import importlib

import pytest

SERVICES = ["credit", "inspection", "casework", "disclosure"]


def _spec(service: str) -> dict:
    app = importlib.import_module(f"services.{service}.app").create_app()
    return app.openapi()


def _has_example(spec: dict, media: dict) -> bool:
    if "example" in media or "examples" in media:
        return True
    schema = media.get("schema", {})
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return bool(schema.get("examples") or schema.get("example")) or any(
        "examples" in p or "example" in p for p in schema.get("properties", {}).values())


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_is_documented_for_integrators(service):
    spec = _spec(service)
    ids: set[str] = set()
    missing: list[str] = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            if not op.get("summary"):
                missing.append(f"{where}: no summary")
            op_id = op.get("operationId", "")
            if not op_id or op_id in ids or op_id.endswith(f"_{method}"):
                missing.append(f"{where}: operationId {op_id!r} is missing, duplicated or generated")
            ids.add(op_id)
            body = op.get("requestBody", {}).get("content", {})
            for media_type, media in body.items():
                if not _has_example(spec, media):
                    missing.append(f"{where}: request body {media_type} has no example")
            if method in ("post", "put", "patch", "delete") and not any(
                    code.startswith("4") for code in op.get("responses", {})):
                missing.append(f"{where}: no 4xx problem response documented")
    assert missing == [], "\n".join(missing)


# Standards that carry their own error shape (GeoReport v2: a list of {code, description}).
OWN_ERRORS = {"/open311/v2/": "Open311Error"}


@pytest.mark.parametrize("service", SERVICES)
def test_problem_responses_are_problem_json(service):
    spec = _spec(service)
    for path, ops in spec["paths"].items():
        own = next((model for prefix, model in OWN_ERRORS.items() if path.startswith(prefix)), None)
        for method, op in ops.items():
            for code, response in op.get("responses", {}).items():
                if code.startswith(("4", "5")):
                    content = response.get("content", {})
                    where = f"{method.upper()} {path} {code}: {list(content)}"
                    if own is None:
                        assert "application/problem+json" in content, where
                    else:
                        assert "application/problem+json" not in content, where
                        assert content["application/json"]["schema"]["items"]["$ref"].endswith(own), where
