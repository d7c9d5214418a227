"""Benchmark of the credit subject import: python -m bench.credit_import [--n 3000000] [--db-url URL].

Writes a CSV of N synthetic subjects (a few bad rows), then imports it through the same code as
`supervision subjects import` (batches, one transaction each, with outbox events) and prints rows/s.

Prints the importer's CPU and, for a PostgreSQL on this machine, its backends' CPU: on a shared box
those are steadier than the wall time. Profile (2026-11-27, 1M-3M rows, PostgreSQL): the importer
spends ~12 us a row (CSV lines split into columns ~2, column-wise checks ~2.5, binary COPY records
and event JSON ~3, the event loop and thread hand-offs ~4); PostgreSQL ~19 us a row at 1M, ~24 at
3M, nearly all of it index upkeep and WAL of the subjects (5 indexes) and outbox (3) tables. Three
writer connections let the server use both cores, so the floor is (importer + server CPU) / 2
cores, about 18 us a row (55 s for 3M) on an idle box; on a shared one, whatever CPU the rest leaves.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Self

from sqlalchemy.engine import make_url

from bench.credit_data import BenchDatabase, fmt_rate, write_subjects_csv

GOAL_ROWS, GOAL_SECONDS = 3_000_000, 60.0


class ServerCpu:
    """CPU time of the PostgreSQL backends serving one database on this machine (their process titles
    name it), sampled from /proc while the import runs; None where there is no /proc to read."""

    def __init__(self, database: str) -> None:
        self.tag = f" {database} ".encode()
        self.seen: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _sample(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    title = f.read().replace(b"\0", b" ")
                if title.startswith(b"postgres: ") and self.tag in title:
                    with open(f"/proc/{pid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick
            except OSError:
                continue

    def _poll(self) -> None:
        while not self._stop.wait(0.25):
            self._sample()

    def __enter__(self) -> Self:
        if os.path.isdir("/proc"):
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @property
    def seconds(self) -> float | None:
        return sum(self.seen.values()) if self.seen else None


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
            server = ServerCpu(make_url(bench.url).database) if bench.is_postgres else None
            cpu = time.process_time()
            with server or contextlib.nullcontext():
                totals = await import_file(path, bench.url, batch_size=batch_size)
            cpu = time.process_time() - cpu
    return {"rows": totals.received, "loaded": totals.loaded, "rejected": len({e["row"] for e in totals.errors}),
            "seconds": totals.seconds, "cpu": cpu, "server_cpu": server.seconds if server else None}


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
    rows = max(r["rows"], 1)
    print(f"  wall {s:.1f} s ({fmt_rate(r['rows'], s)} rows)   importer cpu {r['cpu']:.1f} s "
          f"({r['cpu'] / rows * 1e6:.1f} us/row)")
    if r["server_cpu"] is not None:
        print(f"  PostgreSQL backends cpu {r['server_cpu']:.1f} s ({r['server_cpu'] / rows * 1e6:.1f} us/row)")
    projected = s * GOAL_ROWS / max(r["rows"], 1)
    print(f"  linear extrapolation to {GOAL_ROWS:,}: {projected:.0f} s (goal {GOAL_SECONDS:.0f} s on PostgreSQL)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
