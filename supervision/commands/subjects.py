"""`supervision subjects import FILE`: bulk-load the credit subject registry from CSV.

Talks to the credit database directly through the credit service layer (CREDIT_DATABASE_URL, else
the data folder's db/credit.db: --data-dir, default ./.data). Each batch is one transaction holding its subjects and their
`sup.credit.subject.registered` outbox rows; the running credit service's relay publishes them.
"""

from __future__ import annotations

import asyncio
import csv
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from shared.errors import Unprocessable
from supervision.commands import data_dir_option, existing_database


@dataclass
class ImportTotals:
    received: int = 0
    loaded: int = 0
    batches: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def _count_rows(path: Path) -> int:
    with path.open("rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return max(0, lines - 1)


async def import_file(path: Path, database_url: str, *, batch_size: int = 5000, progress=None,
                      writers: int | None = None) -> ImportTotals:
    """Import a CSV file batch by batch; `progress(rows)` is called after each committed batch.

    Reading and checking the next batch (CPU) runs in a worker thread while batches are written.
    On PostgreSQL three batches are written at once, each on its own connection and transaction, so
    the database's work (COPY, index upkeep) uses every core, one batch's COPY going on while
    another waits for its commit to reach the disk. A USCC that an earlier batch still
    being written holds counts as registered, as it would if the batches ran one after another.
    Registered subjects are looked up before writing only after a batch has met one (see write_batch).
    """
    from services.credit.models import bus_tables
    from services.credit.subjects.bulk_import import (
        UsccTaken,
        csv_batches,
        prepare_batch,
        write_batch,
    )
    from shared.clock import shanghai_today
    from shared.db import Database

    db = Database(database_url, service="credit", outbox_table=bus_tables.outbox, inbox_table=bus_tables.inbox)
    copy = db.dialect == "postgresql"
    writers = writers or (3 if copy else 1)
    source = f"/supervision/{db.service}"
    totals = ImportTotals()
    started = time.perf_counter()
    today = shanghai_today()
    loop = asyncio.get_running_loop()
    in_flight: dict[int, set[str]] = {}  # first row of each batch being written -> its USCCs

    look_up = [not copy]  # PostgreSQL: look registered subjects up only once a batch has met one

    async def write_once(batch, earlier: set[str]):
        async with db.sessionmaker() as session:
            result = await write_batch(session, batch, registered_elsewhere=earlier, look_up_registered=look_up[0])
            await session.commit()
            return result

    async def write(batch) -> None:
        earlier = set().union(*in_flight.values()) if in_flight else set()
        in_flight[batch.first_row] = set(batch.usccs)
        try:
            try:
                result = await write_once(batch, earlier)
            except UsccTaken:  # nothing of the batch was written: again, looking them up
                look_up[0] = True
                result = await write_once(batch, earlier)
        finally:
            del in_flight[batch.first_row]
        totals.received += result.received
        totals.loaded += result.loaded
        totals.batches += 1
        totals.errors.extend(result.errors)
        if progress:
            progress(result.received)

    with path.open(newline="", encoding="utf-8-sig") as f, ThreadPoolExecutor(1, "import-prepare") as pool:
        batches = csv_batches(f, batch_size)

        def next_batch(first_row: int):
            chunk = next(batches, None)
            return prepare_batch(chunk, first_row, today, copy=copy, source=source) if chunk is not None else None

        writing: set[asyncio.Task] = set()
        upcoming = loop.run_in_executor(pool, next_batch, 1)
        try:
            while (batch := await upcoming) is not None:
                upcoming = loop.run_in_executor(pool, next_batch, batch.first_row + batch.received)
                if len(writing) >= writers:
                    done, writing = await asyncio.wait(writing, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        task.result()
                writing.add(asyncio.create_task(write(batch)))
            for task in asyncio.as_completed(writing):
                await task
        finally:
            for task in writing:
                task.cancel()
            await asyncio.gather(*writing, return_exceptions=True)
            await asyncio.gather(upcoming, return_exceptions=True)
            await db.dispose()
    totals.errors.sort(key=lambda e: e["row"])
    totals.seconds = time.perf_counter() - started
    return totals


def register(app: typer.Typer) -> None:
    subjects = typer.Typer(help="Credit subject registry.", no_args_is_help=True)
    app.add_typer(subjects, name="subjects")

    @subjects.command("import")
    def import_command(
        file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                    help="UTF-8 CSV with a header: uscc,name,subject_type,legal_rep_name,"
                                         "legal_rep_id,registered_address,district,industry_code[,registered_on,status]"),
        batch_size: int = typer.Option(5000, "--batch-size", min=1, max=100_000, help="rows per transaction"),
        errors_file: Path | None = typer.Option(None, "--errors", help="write every rejected row here (CSV)"),
        show: int = typer.Option(20, "--show", help="rejected rows to print"),
        data_dir: Path = data_dir_option(),
    ) -> None:
        """Import subjects from FILE into the credit database: bad rows are reported with their row
        numbers, good rows load. The database: CREDIT_DATABASE_URL, else DATA_DIR/db/credit.db."""
        database_url = existing_database("credit", data_dir)
        console = Console(stderr=True)
        total = _count_rows(file)
        columns = (TextColumn("[bold]importing"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"),
                   TimeElapsedColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task("import", total=total)
            try:
                totals = asyncio.run(import_file(file, database_url, batch_size=batch_size,
                                                 progress=lambda n: bar.advance(task, n)))
            except Unprocessable as exc:
                console.print(f"[red]cannot import {file}: {exc.detail}")
                raise typer.Exit(2) from None
        rejected = sorted({e["row"] for e in totals.errors})
        rate = totals.received / totals.seconds if totals.seconds else 0.0
        console.print(f"{totals.received} rows read, {totals.loaded} loaded, {len(rejected)} rejected, "
                      f"{totals.batches} batches in {totals.seconds:.1f} s ({rate:,.0f} rows/s)")
        if totals.errors:
            table = Table("row", "field", "rule", "message", title="rejected rows")
            for e in totals.errors[:show]:
                table.add_row(str(e["row"]), e["field"], e["rule"], e["message"])
            console.print(table)
            if len(totals.errors) > show:
                console.print(f"... and {len(totals.errors) - show} more" +
                              ("" if errors_file else " (use --errors FILE for all)"))
        if errors_file:
            with errors_file.open("w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=["row", "field", "rule", "message"])
                w.writeheader()
                w.writerows(totals.errors)
        typer.echo(f"loaded={totals.loaded} rejected={len(rejected)} rows={totals.received}")
