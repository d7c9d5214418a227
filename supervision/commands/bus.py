"""`supervision bus ...`: the bus users of the embedded run (their passwords, kept in the data folder)."""

from __future__ import annotations

from pathlib import Path

import typer

from shared.bus.credentials import CONSUMES, OPERATOR, rotate_password


def register(app: typer.Typer) -> None:
    bus = typer.Typer(help="NATS users of the services (least privilege; anonymous connections are refused).",
                      no_args_is_help=True)
    app.add_typer(bus, name="bus")
    data = typer.Option(Path(".data"), envvar="SUP_DATA_DIR", help="The embedded run's data folder.")

    @bus.command("rotate")
    def rotate(name: str = typer.Argument(..., help=f"a service ({', '.join(CONSUMES)}) or {OPERATOR}"),
               data_dir: Path = data) -> None:
        """A new password for one bus user; restart the platform (`supervision up` writes the
        server's authorization from the password files at every start)."""
        if name not in (*CONSUMES, OPERATOR):
            typer.echo(f"error: unknown bus user {name!r}; known: {', '.join((*CONSUMES, OPERATOR))}", err=True)
            raise typer.Exit(2)
        directory = data_dir / "bus"
        rotate_password(directory, name)
        typer.echo(f"new password for {name} in {directory / (name + '.password')}; restart to apply")
