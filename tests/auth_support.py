"""Department credentials for tests: a real key ring and real ES256 tokens, as the gateway issues them."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace

from gateway.identity.clients import Client
from gateway.identity.keys import load_or_create_keys, write_jwks_file
from gateway.identity.tokens import TokenIssuer
from tests.support import running_app


class Authority:
    def __init__(self, directory: Path) -> None:
        self.ring = load_or_create_keys(directory / "keys")
        self.jwks_file = directory / "keys" / "jwks.json"
        write_jwks_file(self.ring, self.jwks_file)
        self.issuer = TokenIssuer(self.ring)

    def token(self, department: str, *roles: str, kind: str = "department", client_id: str | None = None) -> str:
        client = Client(client_id=client_id or f"test-{department}-{'-'.join(roles)}", department=department,
                        roles=tuple(roles), kind=kind, scopes=(), secret_hash="", created_at="")
        return self.issuer.issue_token(client)[0]

    def headers(self, department: str, *roles: str, kind: str = "department",
                client_id: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(department, *roles, kind=kind, client_id=client_id)}"}


@asynccontextmanager
async def service_client(service: str, databases, authority: Authority, nats_url: str | None = None, *,
                         with_catalogue: bool = True, **overrides):
    """A service app on a fresh migrated database (and a real nats-server when nats_url is given), with the
    sample catalogue in its read model unless `with_catalogue` is false."""
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
        if with_catalogue:
            await load_sample_catalogue(service, app)
        yield client


async def load_sample_catalogue(service: str, app) -> None:
    """Give the service's catalogue read model the sample version, as its consumer would on the
    coordination service's first publication (bus tests can publish it instead)."""
    import importlib

    readmodel = getattr(importlib.import_module(f"services.{service}.models"), "catalogue", None)
    if readmodel is None:
        return
    async with app.state.db.sessionmaker() as session:
        await readmodel.apply_sample(session)
        await session.commit()


async def seed_sample_catalogue(service: str, database_url: str) -> None:
    """The same, straight into a migrated database, for apps a test serves itself."""
    from shared.db import Database

    db = Database(database_url, service=service)
    try:
        await load_sample_catalogue(service, SimpleNamespace(state=SimpleNamespace(db=db)))
    finally:
        await db.dispose()
