"""A Python client generated from the gateway's merged OpenAPI (openapi-python-client) makes real
calls: a real gateway and a real credit service, each a uvicorn server on its own free port."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import httpx

from gateway.app import create_app
from gateway.identity.credentials import create_client
from shared.migrate import upgrade_to_head
from tests.gateway.support import SUBJECT, gateway_settings, serving
from tests.gateway.test_live import SUBJECT_BODY, credit_app


def _generate(spec: Path, out: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(Path(sys.executable).parent / "openapi-python-client"), "generate",
                           "--path", str(spec), "--output-path", str(out), "--meta", "none"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def _operation(package: str, operation_id: str):
    """The generated module of an operation, wherever its tag put it."""
    api = Path(importlib.import_module(package).__file__).parent / "api"
    found = [p for p in api.rglob(f"{operation_id}.py")]
    assert found, f"no generated module for {operation_id}"
    rel = found[0].relative_to(api.parent).with_suffix("")
    return importlib.import_module(".".join((package, *rel.parts)))


def test_generated_client_registers_and_reads_a_subject_through_the_gateway(tmp_path):
    credit_db = f"sqlite+aiosqlite:///{tmp_path}/credit.db"
    upgrade_to_head("credit", credit_db)
    settings = gateway_settings(tmp_path)
    client_id, secret = create_client(settings, "scjgj", ["credit_officer"])
    with serving(credit_app(credit_db, settings.jwks_path)) as credit:
        with serving(create_app(gateway_settings(tmp_path, credit_url=credit.url))) as gw:
            spec = httpx.get(f"{gw.url}/openapi.json", timeout=30)
            assert spec.status_code == 200
            assert spec.json()["x-upstreams"]["credit"]["status"] == "up"
            (tmp_path / "spec.json").write_bytes(spec.content)
            _generate(tmp_path / "spec.json", tmp_path / "sup_client")
            sys.path.insert(0, str(tmp_path))
            try:
                package = importlib.import_module("sup_client")
                token = httpx.post(f"{gw.url}/oauth/token", data={"grant_type": "client_credentials"},
                                   auth=(client_id, secret)).json()["access_token"]
                client = package.AuthenticatedClient(base_url=gw.url, token=token)
                register = _operation("sup_client", "credit_register_subject")
                body_type = register.sync_detailed.__annotations__["body"]
                body_cls = body_type if isinstance(body_type, type) else getattr(
                    importlib.import_module("sup_client.models"), body_type.split(" | ")[0])
                created = register.sync_detailed(client=client, body=body_cls.from_dict(SUBJECT_BODY))
                assert created.status_code == 201, created.content
                read = _operation("sup_client", "credit_get_subject").sync_detailed(SUBJECT, client=client)
                assert read.status_code == 200 and read.parsed.uscc == SUBJECT
                anonymous = _operation("sup_client", "credit_get_subject").sync_detailed(
                    SUBJECT, client=package.Client(base_url=gw.url))
                assert anonymous.status_code == 401
            finally:
                sys.path.remove(str(tmp_path))
                for name in [m for m in sys.modules if m == "sup_client" or m.startswith("sup_client.")]:
                    del sys.modules[name]
