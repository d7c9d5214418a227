"""A bounded schemathesis run over each service's published OpenAPI (SQLite, two departments'
tokens, a few examples per operation): no 500, only documented statuses, answers that match their
schema, schema-violating input refused, nothing readable after it was deleted.

Found by such a run: naive date-times in answers, `day=0` and `active: 0` accepted, date query
parameters taking numbers, and bodies that are not JSON answered with an undocumented 400.
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import tempfile
from pathlib import Path

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from shared.migrate import upgrade_to_head
from tests.auth_support import Authority, seed_sample_catalogue

SERVICES = ("credit", "inspection", "casework", "disclosure")
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, negative_data_rejection,
          use_after_free]
ROLES = ("case_officer", "credit_officer", "inspector", "admin", "legal_reviewer", "auditor")


def _published_api(service: str, directory):
    authority = Authority(directory)
    url = f"sqlite+aiosqlite:///{directory}/db.sqlite"
    upgrade_to_head(service, url)
    asyncio.run(seed_sample_catalogue(service, url))
    settings_cls = getattr(importlib.import_module(f"services.{service}.settings"), f"{service.capitalize()}Settings")
    app = importlib.import_module(f"services.{service}.app").create_app(settings_cls(
        database_url=url, bus_enabled=False, migrate_on_start=False, log_json=False, jwks_file=authority.jwks_file))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.generation.update(max_examples=2)
    TOKENS[service] = itertools.cycle([authority.headers("scjgj", *ROLES), authority.headers("yjj", *ROLES)])
    return schema


TOKENS: dict[str, itertools.cycle] = {}


def _test(service: str):
    # Built at collection: schemathesis makes one test per operation from the loaded document.
    schema = _published_api(service, Path(tempfile.mkdtemp(prefix=f"schemathesis-{service}-")))

    @schema.parametrize()
    def test(case):
        case.call_and_validate(headers=next(TOKENS[service]), checks=CHECKS)

    return test


for _service in SERVICES:
    globals()[f"test_{_service}_api_holds_its_promises"] = _test(_service)
