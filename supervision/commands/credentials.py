"""`supervision credentials ...`: OAuth2 clients and the gateway's signing keys.

Settings come from the environment (GATEWAY_KEY_DIR, GATEWAY_CLIENTS_FILE, ...), as for the
running gateway, which picks up every change here without a restart.
"""

from __future__ import annotations

import json

import typer

from gateway.identity.credentials import (
    create_client,
    ensure_demo_clients,
    registry_for,
    rotate_signing_keys,
)
from gateway.settings import GatewaySettings


def register(app: typer.Typer) -> None:
    cred = typer.Typer(help="OAuth2 clients (department systems, services) and token signing keys.",
                       no_args_is_help=True)
    app.add_typer(cred, name="credentials")

    @cred.command("create")
    def create(
        department: str = typer.Argument(..., help="department code from the catalogue (shared/data/sample_catalogue.yaml), e.g. scjgj"),
        roles: list[str] = typer.Argument(None, help="roles: inspector case_officer legal_reviewer credit_officer auditor admin head; "
                                                     "separated roles (case_officer + legal_reviewer, inspector + "
                                                     "legal_reviewer, case_officer + head) are refused"),
        kind: str = typer.Option(None, help="department or service (default: the catalogue's kind)"),
    ) -> None:
        """Register a client; prints its id and secret ONCE (only a hash is stored)."""
        try:
            client_id, secret = create_client(GatewaySettings(), department, list(roles or []), kind)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"client_id:     {client_id}")
        typer.echo(f"client_secret: {secret}")
        typer.echo("The secret is shown only now; store it in the department system's vault.", err=True)

    @cred.command("list")
    def list_clients() -> None:
        """The registered clients (never their secrets)."""
        for c in registry_for(GatewaySettings()).list():
            state = " (disabled)" if c.disabled else ""
            typer.echo(f"{c.client_id:32} {c.kind:10} {c.department:10} {' '.join(c.roles)}{state}")

    @cred.command("disable")
    def disable(client_id: str = typer.Argument(..., help="the client's id, as `credentials list` shows it")) -> None:
        """Refuse new tokens to a client (tokens already issued expire within their lifetime)."""
        registry = registry_for(GatewaySettings())
        if registry.get(client_id) is None:
            typer.echo(f"error: no client {client_id}", err=True)
            raise typer.Exit(2)
        registry.disable(client_id)
        typer.echo(f"{client_id} disabled")

    @cred.command("rotate-keys")
    def rotate() -> None:
        """Sign new tokens with a new key; the old key stays published until its tokens expired."""
        ring = rotate_signing_keys(GatewaySettings())
        typer.echo(f"active key: {ring.active_kid}")
        typer.echo(f"published:  {', '.join(k.kid for k in ring.published())}")

    @cred.command("demo")
    def demo(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
        """Create the demo departments' clients (idempotent) and print their credentials."""
        clients = ensure_demo_clients(GatewaySettings())
        if as_json:
            typer.echo(json.dumps(clients, indent=2))
            return
        for c in clients.values():
            who = " ".join(c["roles"]) or c["kind"]
            typer.echo(f"{c['client_id']:28} {c['client_secret']}  ({c['department']}: {who})")
