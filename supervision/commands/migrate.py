"""`supervision migrate` and `supervision db revision`: schema management per service."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from shared.migrate import SERVICES, autogenerate_revision, upgrade_to_head


def _settings_url(service: str) -> str:
    if service == "gateway":
        from gateway.settings import GatewaySettings

        return GatewaySettings().audit_database_url
    import importlib

    mod = importlib.import_module(f"services.{service}.settings")
    cls = getattr(mod, f"{service.capitalize()}Settings")
    return cls().database_url


def register(app: typer.Typer) -> None:
    @app.command("migrate")
    def migrate(
        service: list[str] = typer.Argument(None, help="services to migrate (default: all)"),
    ) -> None:
        """Bring each service's database to its latest schema (URLs from the environment:
        <SERVICE>_DATABASE_URL, GATEWAY_AUDIT_DATABASE_URL; default SQLite files under ./.data/db)."""
        for name in service or SERVICES:
            url = _settings_url(name)
            if url.startswith("sqlite") and ":///" in url:
                Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
            upgrade_to_head(name, url)
            typer.echo(f"{name}: at head")

    db = typer.Typer(help="Schema revisions (for developers).")
    app.add_typer(db, name="db")

    @db.command("revision")
    def revision(service: str = typer.Argument(..., help="the service whose models changed, e.g. credit"),
                 message: str = typer.Option(..., "-m", "--message", help="what the migration does")) -> None:
        """Autogenerate a migration for SERVICE from its models (diffed against a scratch SQLite)."""
        with tempfile.TemporaryDirectory() as tmp:
            autogenerate_revision(service, message, f"sqlite+aiosqlite:///{tmp}/scratch.db")
