"""`supervision credentials ...`: clients printed once and stored hashed, demo clients idempotent."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from gateway.identity.credentials import DEMO_CLIENTS, ensure_demo_clients, registry_for
from gateway.identity.keys import load_keys
from supervision.cli import app as cli
from tests.gateway.support import FAST_HASH, gateway_settings


@pytest.fixture
def env(tmp_path, monkeypatch):
    values = {"GATEWAY_KEY_DIR": tmp_path / "keys", "GATEWAY_CLIENTS_FILE": tmp_path / "keys" / "clients.json",
              **{f"GATEWAY_{k.upper()}": v for k, v in FAST_HASH.items()}}
    for k, v in values.items():
        monkeypatch.setenv(k, str(v))
    return tmp_path


def test_create_prints_the_secret_once_and_stores_only_a_hash(env):
    out = CliRunner().invoke(cli, ["credentials", "create", "scjgj", "inspector", "case_officer"])
    assert out.exit_code == 0, out.output
    client_id = re.search(r"client_id:\s+(\S+)", out.output).group(1)
    secret = re.search(r"client_secret:\s+(\S+)", out.output).group(1)
    stored = json.loads((env / "keys" / "clients.json").read_text())["clients"][client_id]
    assert stored["department"] == "scjgj" and stored["roles"] == ["case_officer", "inspector"]
    assert secret not in json.dumps(stored) and stored["secret_hash"].startswith("$argon2id$")
    listed = CliRunner().invoke(cli, ["credentials", "list"])
    assert client_id in listed.output and secret not in listed.output
    unknown = CliRunner().invoke(cli, ["credentials", "create", "nowhere", "inspector"])
    assert unknown.exit_code == 2 and "unknown department" in unknown.output
    bad_role = CliRunner().invoke(cli, ["credentials", "create", "scjgj", "superuser"])
    assert bad_role.exit_code == 2


def test_rotate_keys_keeps_the_old_key_published(env):
    first = CliRunner().invoke(cli, ["credentials", "rotate-keys"])
    second = CliRunner().invoke(cli, ["credentials", "rotate-keys"])
    assert first.exit_code == second.exit_code == 0
    ring = load_keys(env / "keys")
    published = json.loads((env / "keys" / "jwks.json").read_text())["keys"]
    assert published[0]["kid"] == ring.active_kid and len(published) == 3


def test_demo_clients_are_created_once_and_their_credentials_work(tmp_path):
    settings = gateway_settings(tmp_path)
    first = ensure_demo_clients(settings)
    assert {c.client_id for c in DEMO_CLIENTS} == set(first)
    assert first["hotline-demo-intake"]["kind"] == "service"
    assert first["scjgj-demo-legal-reviewer"]["roles"] == ["legal_reviewer"]
    again = ensure_demo_clients(settings)
    assert again == first  # idempotent: same clients, same working secrets
    registry = registry_for(settings)
    assert len(registry.list()) == len(DEMO_CLIENTS)
    assert registry.verify("yjj-demo-inspector", first["yjj-demo-inspector"]["client_secret"]) is not None


@pytest.mark.parametrize("roles", [["case_officer", "legal_reviewer"], ["inspector", "legal_reviewer"],
                                   ["case_officer", "head"]])
def test_separated_roles_are_refused_at_creation_with_the_rule(env, roles):
    out = CliRunner().invoke(cli, ["credentials", "create", "scjgj", *roles])
    assert out.exit_code == 2 and "separated" in out.output and "APL art. 58" in out.output, out.output
    assert not (env / "keys" / "clients.json").exists() or not json.loads(
        (env / "keys" / "clients.json").read_text())["clients"]
