"""Operator actions on credentials: register clients, rotate signing keys, the demo clients.

Used by `supervision credentials ...` and the embedded run. Secrets are printed once and
stored only as argon2 hashes in the clients file. The one exception is deliberate and for
demos only: `ensure_demo_clients` keeps the demo clients' secrets in
`<key dir>/demo-credentials.json` (mode 0600) so a restarted demo prints the same working
credentials; production never calls it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from gateway.identity.clients import ClientRegistry, JsonFileClientStore
from gateway.identity.keys import KeyRing, rotate_keys, write_jwks_file
from gateway.identity.tokens import load_catalogue
from gateway.settings import GatewaySettings

DEMO_FILE = "demo-credentials.json"


@dataclass(frozen=True)
class DemoClient:
    name: str
    department: str
    roles: tuple[str, ...]
    kind: str = "department"

    @property
    def client_id(self) -> str:
        return f"{self.department}-demo-{self.name}"


DEMO_CLIENTS: tuple[DemoClient, ...] = (
    DemoClient("inspector", "scjgj", ("inspector",)),
    DemoClient("inspector-2", "scjgj", ("inspector",)),
    DemoClient("case-officer", "scjgj", ("case_officer",)),
    DemoClient("legal-reviewer", "scjgj", ("legal_reviewer",)),
    DemoClient("credit-officer", "scjgj", ("credit_officer",)),
    DemoClient("auditor", "scjgj", ("auditor",)),
    DemoClient("admin", "scjgj", ("admin",)),
    DemoClient("inspector", "yjj", ("inspector",)),
    DemoClient("admin", "yjj", ("admin",)),
    DemoClient("intake", "hotline", (), kind="service"),
)


def password_hasher(settings: GatewaySettings) -> PasswordHash:
    return PasswordHash((Argon2Hasher(time_cost=settings.secret_hash_time_cost,
                                      memory_cost=settings.secret_hash_memory_kib,
                                      parallelism=settings.secret_hash_parallelism),))


def registry_for(settings: GatewaySettings) -> ClientRegistry:
    return ClientRegistry(JsonFileClientStore(settings.clients_file), password_hasher(settings))


def create_client(settings: GatewaySettings, department: str, roles: list[str],
                  kind: str | None = None) -> tuple[str, str]:
    """Register a client for a catalogue department; returns (client_id, secret)."""
    catalogue = load_catalogue(settings.catalogue_file)
    dept = catalogue.departments.get(department)
    if dept is None:
        raise ValueError(f"unknown department {department!r}; known: {', '.join(sorted(catalogue.departments))}")
    # An enforcement team's staff hold department credentials; the catalogue's service bodies service ones.
    default_kind = "service" if dept.kind == "service" else "department"
    return registry_for(settings).create_client(department, roles, kind=kind or default_kind)


def rotate_signing_keys(settings: GatewaySettings) -> KeyRing:
    """A new active key; the previous one stays published until every token it signed expired.

    The running gateway notices the new key state on its next token or JWKS request; the
    JWKS file the services read is rewritten here at once, old key included.
    """
    grace = timedelta(seconds=settings.token_ttl_seconds + 60)
    ring = rotate_keys(settings.key_dir, grace=grace)
    write_jwks_file(ring, settings.jwks_path)
    return ring


def _write_private_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
    os.replace(tmp, path)


def ensure_demo_clients(settings: GatewaySettings | None = None) -> dict[str, dict[str, Any]]:
    """Create the demo clients once; returns {client_id: {client_secret, department, roles, kind}}.

    Idempotent: a client that exists with a secret that still verifies is returned as is;
    a missing one is created, one whose secret is lost gets a new secret.
    """
    settings = settings or GatewaySettings()
    registry = registry_for(settings)
    demo_path = Path(settings.key_dir) / DEMO_FILE
    saved: dict[str, Any] = json.loads(demo_path.read_text()) if demo_path.exists() else {}
    out: dict[str, dict[str, Any]] = {}
    for demo in DEMO_CLIENTS:
        cid = demo.client_id
        secret = saved.get(cid, {}).get("client_secret")
        existing = registry.get(cid)
        if existing is None:
            _, secret = registry.create_client(demo.department, list(demo.roles), kind=demo.kind, client_id=cid)
        elif not secret or registry.verify(cid, secret) is None:
            secret = registry.reset_secret(cid)
        out[cid] = {"client_id": cid, "client_secret": secret, "department": demo.department,
                    "roles": list(demo.roles), "kind": demo.kind}
    if out != saved:
        _write_private_json(demo_path, out)
    return out
