"""Benchmark of the credit subject import: python -m bench.credit_import [--n 3000000] [--db-url URL].

Writes a CSV of N synthetic subjects (a few bad rows), then imports it through the same code as
`supervision subjects import` (batches, one transaction each, with outbox events) and prints rows/s.

Profile (py-spy and per-process CPU, 300k-1M rows on PostgreSQL, 2 cores shared with other work):
the importer spends ~21 us a row, ~80% of it in the thread preparing batches (plain checks of the
USCC and ID-number check digits and the field patterns ~40%, csv parsing ~25%, COPY/JSON text and
UUIDs ~30%); the event loop only sends COPY data. PostgreSQL spends ~22 us a row: COPY into subjects
with its 5 indexes ~13 us, into the outbox with its 4 ~9 us. Two writer connections let both sides
use both cores, so the floor is (importer + server CPU) / 2 cores, about 20 us a row (60 s for 3M)
on an idle box; on a shared one, whatever CPU the rest leaves. What limits it: PostgreSQL's index
upkeep and the per-row checks in Python, about equally.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.credit_data import BenchDatabase, fmt_rate, write_subjects_csv

GOAL_ROWS, GOAL_SECONDS = 3_000_000, 60.0


async def run(n: int, url: str | None, batch_size: int, keep: bool) -> dict:
    from supervision.commands.subjects import import_file

    with tempfile.TemporaryDirectory(prefix="credit-import-") as tmp:
        path = Path(tmp) / "subjects.csv"
        t = time.perf_counter()
        bad = [n // 3, n // 2, n - 1] if n >= 10 else []
        write_subjects_csv(path, n, bad_rows=bad)
        print(f"  wrote {n:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
        async with BenchDatabase(url, keep) as bench:
            print(f"  database: {bench.url}")
            cpu = time.process_time()
            totals = await import_file(path, bench.url, batch_size=batch_size)
            cpu = time.process_time() - cpu
    return {"rows": totals.received, "loaded": totals.loaded, "rejected": len({e["row"] for e in totals.errors}),
            "seconds": totals.seconds, "cpu": cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.credit_import")
    parser.add_argument("--n", type=int, default=GOAL_ROWS, help="subjects to import")
    parser.add_argument("--db-url", default=None, help="default: a temporary SQLite file; a PostgreSQL URL's "
                                                        "database is created if missing and dropped after")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    print(f"credit import: {args.n:,} subjects, batches of {args.batch_size}")
    r = asyncio.run(run(args.n, args.db_url, args.batch_size, args.keep))
    s = r["seconds"]
    print(f"  imported {r['rows']:,} rows: {r['loaded']:,} loaded, {r['rejected']} rejected")
    print(f"  wall {s:.1f} s ({fmt_rate(r['rows'], s)} rows)   importer cpu {r['cpu']:.1f} s")
    projected = s * GOAL_ROWS / max(r["rows"], 1)
    print(f"  linear extrapolation to {GOAL_ROWS:,}: {projected:.0f} s (goal {GOAL_SECONDS:.0f} s on PostgreSQL)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
