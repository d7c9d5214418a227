"""A Python client generated from the gateway's merged OpenAPI (openapi-python-client), installed
with pip in a fresh virtual environment, makes a public and a department call through a real
gateway to real credit and disclosure services (each a uvicorn server on its own free port), and
parses success and problem bodies alike. The steps are the README's integrator section."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import httpx
from packaging.version import Version

from gateway.app import create_app
from gateway.identity.credentials import create_client
from services.credit.models import bus_tables
from services.disclosure.app import create_app as create_disclosure_app
from services.disclosure.settings import DisclosureSettings
from shared.db import Database
from shared.migrate import upgrade_to_head
from supervision.commands.subjects import import_file
from tests.auth_support import load_sample_catalogue
from tests.gateway.support import SUBJECT, gateway_settings, serving
from tests.gateway.test_live import SUBJECT_BODY, credit_app

PACKAGE = "supervision_platform_api_client"

# Runs inside the fresh environment: only the installed client and its own dependencies there.
CALLS = textwrap.dedent('''
    import importlib, importlib.metadata, json, pathlib, sys
    import supervision_platform_api_client as pkg
    from supervision_platform_api_client.models import Problem

    base, token, subject, body = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    api = pathlib.Path(pkg.__file__).parent / "api"

    def op(operation_id):
        rel = next(api.rglob(f"{operation_id}.py")).relative_to(api.parent).with_suffix("")
        return importlib.import_module(".".join((pkg.__name__, *rel.parts)))

    public, officer = pkg.Client(base_url=base), pkg.AuthenticatedClient(base_url=base, token=token)
    register = op("credit_register_subject")
    body_cls = register.sync_detailed.__annotations__["body"]
    body_cls = getattr(importlib.import_module(pkg.__name__ + ".models"), body_cls.split(" | ")[0]) \\
        if isinstance(body_cls, str) else body_cls
    def shown(response):
        parsed = response.parsed
        return {"status": response.status_code, "type": type(parsed).__name__,
                "body": parsed.to_dict() if hasattr(parsed, "to_dict") else None}

    get = op("credit_get_subject")
    out = {"version": importlib.metadata.version("supervision-platform-api-client"),
           "read": shown(get.sync_detailed(subject, client=officer)),
           "missing": shown(get.sync_detailed("91110000600037341L", client=officer)),
           "bad": shown(register.sync_detailed(client=officer, body=body_cls.from_dict({**body, "name": ""}))),
           "anonymous": shown(get.sync_detailed(subject, client=public)),
           "search": shown(op("disclosure_search_records").sync_detailed(client=public))}
    print(json.dumps(out))
''')


async def _sample_catalogue(database_url: str) -> None:
    db = Database(database_url, service="credit", outbox_table=bus_tables.outbox, inbox_table=bus_tables.inbox)
    try:
        await load_sample_catalogue("credit", SimpleNamespace(state=SimpleNamespace(db=db)))
    finally:
        await db.dispose()


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600, check=False, **kwargs)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_generated_client_installs_in_a_fresh_venv_and_calls_the_gateway(tmp_path):
    credit_db, disclosure_db = f"sqlite+aiosqlite:///{tmp_path}/credit.db", f"sqlite+aiosqlite:///{tmp_path}/disc.db"
    upgrade_to_head("credit", credit_db)
    # The registry's own load (the bulk import) puts the subject there; the client reads it.
    columns = ["uscc", "name", "subject_type", "legal_rep_name", "legal_rep_id", "registered_address", "district",
               "industry_code", "registered_on"]
    (tmp_path / "subjects.csv").write_text(",".join(columns) + "\n" + ",".join(SUBJECT_BODY[c] for c in columns) + "\n")
    assert asyncio.run(import_file(tmp_path / "subjects.csv", credit_db)).loaded == 1
    asyncio.run(_sample_catalogue(credit_db))  # reads are checked against the catalogue in force
    upgrade_to_head("disclosure", disclosure_db)
    settings = gateway_settings(tmp_path)
    client_id, secret = create_client(settings, "scjgj", ["credit_officer"])
    disclosure = create_disclosure_app(DisclosureSettings(
        database_url=disclosure_db, bus_enabled=False, jwks_file=settings.jwks_path, migrate_on_start=False,
        log_json=False))
    with serving(credit_app(credit_db, settings.jwks_path)) as credit, serving(disclosure) as disc, \
            serving(create_app(gateway_settings(tmp_path, credit_url=credit.url, disclosure_url=disc.url))) as gw:
        spec = httpx.get(f"{gw.url}/openapi.json", timeout=30)
        doc = spec.json()
        assert {doc["x-upstreams"][s]["status"] for s in ("credit", "disclosure")} == {"up"}
        assert str(Version(doc["info"]["version"])) == doc["info"]["version"]  # PEP 440, as pip needs
        titles = [s.get("title") or k for k, s in doc["components"]["schemas"].items()]
        assert len(titles) == len(set(titles))
        (tmp_path / "openapi.json").write_bytes(spec.content)
        generated = _run([str(Path(sys.executable).parent / "openapi-python-client"), "generate", "--path",
                          "openapi.json", "--output-path", "client", "--meta", "setup"], cwd=tmp_path)
        # Only non-JSON bodies (CSV upload, Atom) may be left out; no model may be dropped.
        log = generated.stdout + generated.stderr
        assert "Unable to parse" not in log and "duplicate" not in log, log
        warnings = log.split("WARNING parsing ")[1:]
        assert all("Unsupported content" in w.split("\n\n")[1] for w in warnings), log

        _run([sys.executable, "-m", "venv", str(tmp_path / "fresh")])
        python = str(tmp_path / "fresh" / "bin" / "python")
        _run([python, "-m", "pip", "install", "--quiet", str(tmp_path / "client")])
        token = httpx.post(f"{gw.url}/oauth/token", data={"grant_type": "client_credentials"},
                           auth=(client_id, secret)).json()["access_token"]
        out = json.loads(_run([python, "-c", CALLS, gw.url, token, SUBJECT, json.dumps(SUBJECT_BODY)],
                              cwd=tmp_path / "fresh").stdout)
    assert out["version"] == doc["info"]["version"]
    assert out["read"]["type"] == "SubjectOut" and out["read"]["body"]["uscc"] == SUBJECT, out["read"]
    # Problem bodies parse into the Problem model, validation errors with the field they name.
    assert (out["missing"]["status"], out["missing"]["type"], out["missing"]["body"]["status"]) == (404, "Problem", 404)
    assert (out["bad"]["status"], out["bad"]["type"]) == (422, "Problem"), out["bad"]
    assert any("name" in e["field"] for e in out["bad"]["body"]["errors"]), out["bad"]
    assert (out["anonymous"]["status"], out["anonymous"]["type"]) == (401, "Problem")
    assert (out["search"]["status"], out["search"]["type"]) == (200, "DisclosureRecordPage"), out["search"]
    assert out["search"]["body"]["items"] == []
