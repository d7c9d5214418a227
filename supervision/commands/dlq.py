"""`supervision dlq list|show|redrive`: the dead letters, inspected and re-driven (shared/bus/dead_letters.py)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer

from shared.bus.credentials import OPERATOR, password_file
from shared.bus.dead_letters import (
    DeadLetter,
    list_dead_letters,
    redrive,
    show_dead_letter,
)

dlq = typer.Typer(help="Dead letters: messages a consumer refused, with reason and tries; re-drive them.",
                  no_args_is_help=True)

NATS_URL = typer.Option("nats://127.0.0.1:4333", envvar="SUP_NATS_URL", help="The bus (comma-separated URLs).")
DATA_DIR = typer.Option(Path(".data"), envvar="SUP_DATA_DIR",
                        help="The embedded run's data folder: the operator's bus password is read from it.")


async def _with_js(nats_url: str, data_dir: Path, work):
    import nats

    secret = password_file(data_dir / "bus", OPERATOR)
    auth = {"user": OPERATOR, "password": secret.read_text().strip()} if secret.exists() else {}
    nc = await nats.connect([u.strip() for u in nats_url.split(",")], max_reconnect_attempts=1, **auth)
    try:
        return await work(nc.jetstream(timeout=10))
    finally:
        await nc.close()


def _print(letter: DeadLetter, full: bool = False) -> None:
    if not full:
        typer.echo(f"{letter.seq:>6}  {letter.consumer:<28} {letter.event_type:<40} tries {letter.tries:<3} "
                   f"{letter.parked_at}  {letter.reason[:80]}")
        return
    body = letter.summary() | {"headers": letter.headers, "data": letter.data.decode("utf-8", "replace")}
    typer.echo(json.dumps(body, ensure_ascii=False, indent=2))


@dlq.command("list")
def list_(consumer: str | None = typer.Option(None, help="Only this consumer's dead letters."),
          nats_url: str = NATS_URL, data_dir: Path = DATA_DIR) -> None:
    """Every dead letter: sequence, consumer, event type, tries, when, reason."""
    letters = asyncio.run(_with_js(nats_url, data_dir, lambda js: list_dead_letters(js, consumer)))
    for letter in letters:
        _print(letter)
    typer.echo(f"{len(letters)} dead letter(s)")


@dlq.command("show")
def show(seq: int = typer.Argument(..., help="The dead letter's sequence (from `list`)."),
         nats_url: str = NATS_URL, data_dir: Path = DATA_DIR) -> None:
    """One dead letter in full: reason, tries, headers and the event's data."""
    letter = asyncio.run(_with_js(nats_url, data_dir, lambda js: show_dead_letter(js, seq)))
    if letter is None:
        typer.echo(f"error: no dead letter {seq}", err=True)
        raise typer.Exit(1)
    _print(letter, full=True)


@dlq.command("redrive")
def redrive_(seq: int | None = typer.Argument(None, help="The dead letter to re-drive; omit with --all."),
             all_: bool = typer.Option(False, "--all", help="Re-drive every dead letter (of --consumer if given)."),
             consumer: str | None = typer.Option(None, help="With --all: only this consumer's."),
             nats_url: str = NATS_URL, data_dir: Path = DATA_DIR) -> None:
    """Send dead letters back to their original subject (the consumer gets them again; inboxes that
    handled them already drop the copy) and remove them from the dead letters."""
    if (seq is None) == (not all_):
        typer.echo("error: give a sequence or --all", err=True)
        raise typer.Exit(2)

    async def work(js) -> int:
        letters = await list_dead_letters(js, consumer) if all_ else [await show_dead_letter(js, seq)]
        if letters == [None]:
            return -1
        for letter in letters:
            await redrive(js, letter)
        return len(letters)

    done = asyncio.run(_with_js(nats_url, data_dir, work))
    if done < 0:
        typer.echo(f"error: no dead letter {seq}", err=True)
        raise typer.Exit(1)
    typer.echo(f"re-drove {done} dead letter(s)")


def register(app: typer.Typer) -> None:
    app.add_typer(dlq, name="dlq")
