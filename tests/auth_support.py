"""Department credentials for tests: a real key ring and real ES256 tokens, as the gateway issues them."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from gateway.identity.clients import Client
from gateway.identity.keys import load_or_create_keys, write_jwks_file
from gateway.identity.tokens import TokenIssuer, load_catalogue
from tests.support import running_app


class Authority:
    def __init__(self, directory: Path) -> None:
        self.ring = load_or_create_keys(directory / "keys")
        self.jwks_file = directory / "keys" / "jwks.json"
        write_jwks_file(self.ring, self.jwks_file)
        self.issuer = TokenIssuer(self.ring, load_catalogue())

    def token(self, department: str, *roles: str, kind: str = "department", client_id: str | None = None) -> str:
        client = Client(client_id=client_id or f"test-{department}-{'-'.join(roles)}", department=department,
                        roles=tuple(roles), kind=kind, scopes=(), secret_hash="", created_at="")
        return self.issuer.issue_token(client)[0]

    def headers(self, department: str, *roles: str, kind: str = "department",
                client_id: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(department, *roles, kind=kind, client_id=client_id)}"}


@asynccontextmanager
async def service_client(service: str, databases, authority: Authority, nats_url: str | None = None, **overrides):
    """A service app on a fresh migrated database (and a real nats-server when nats_url is given)."""
    import importlib

    settings_mod = importlib.import_module(f"services.{service}.settings")
    app_mod = importlib.import_module(f"services.{service}.app")
    settings_cls = getattr(settings_mod, f"{service.capitalize()}Settings")
    settings = settings_cls(
        database_url=await databases.fresh(service),
        nats_url=nats_url or "nats://127.0.0.1:1",
        bus_enabled=nats_url is not None,
        jwks_file=authority.jwks_file,
        migrate_on_start=False,
        log_json=False,
        **overrides,
    )
    app = app_mod.create_app(settings)
    async with running_app(app) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client
