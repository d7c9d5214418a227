"""`supervision credit regrade`: regrade every subject in batches (the nightly run, or after a rule change)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from supervision.commands import data_dir_option, existing_database


async def count_subjects(database_url: str) -> int:
    from sqlalchemy import func, select

    from services.credit.models import Subject
    from shared.db import make_engine

    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(Subject))).scalar_one())
    finally:
        await engine.dispose()


async def regrade_database(database_url: str, *, batch_size: int = 20_000, progress=None):
    from services.credit.grading.service import regrade_all
    from services.credit.models import bus_tables
    from shared.db import Database

    db = Database(database_url, service="credit", outbox_table=bus_tables.outbox, inbox_table=bus_tables.inbox)
    try:
        return await regrade_all(db.sessionmaker, batch_size=batch_size, progress=progress)
    finally:
        await db.dispose()


def register(app: typer.Typer) -> None:
    credit = typer.Typer(help="Credit service operations.", no_args_is_help=True)
    app.add_typer(credit, name="credit")

    @credit.command("regrade")
    def regrade_command(
        batch_size: int = typer.Option(20_000, "--batch-size", min=1, help="subjects per transaction"),
        data_dir: Path = data_dir_option(),
    ) -> None:
        """Regrade all subjects (CREDIT_DATABASE_URL, else DATA_DIR/db/credit.db); grade changes are
        emitted through the outbox."""
        url = existing_database("credit", data_dir)
        console = Console(stderr=True)
        total = asyncio.run(count_subjects(url))
        started = time.perf_counter()
        columns = (TextColumn("[bold]regrading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("regrade", total=total)
            totals = asyncio.run(regrade_database(url, batch_size=batch_size,
                                                  progress=lambda n: bar.advance(task, n)))
        seconds = time.perf_counter() - started
        typer.echo(f"regraded={totals.subjects} changed={totals.changed} seconds={seconds:.1f}")
