"""`supervision log-key rotate`: a new tree-head signing key for the disclosure log."""

from __future__ import annotations

from pathlib import Path

import typer

from services.disclosure.log.service import default_key_dir, key_ring
from services.disclosure.settings import DisclosureSettings


def register(app: typer.Typer) -> None:
    keys = typer.Typer(help="The disclosure log's signing keys (files only disclosure reads, mode 0600).",
                       no_args_is_help=True)
    app.add_typer(keys, name="log-key")

    @keys.command("rotate")
    def rotate(key_dir: Path = typer.Option(None, help="the key folder (default: DISCLOSURE_LOG_KEY_DIR, or "
                                                        "beside disclosure's SQLite database)")) -> None:
        """A new key signs the heads from the next start of disclosure on; the retired keys stay
        published at /public/log/key, so every head signed before still verifies."""
        settings = DisclosureSettings()
        directory = key_dir or settings.log_key_dir or default_key_dir(settings.database_url)
        new = key_ring(directory).rotate()
        typer.echo(f"new log key {new.kid} in {directory}; restart disclosure to sign with it")
