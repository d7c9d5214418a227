"""Benchmark of the bulk regrade: python -m bench.credit_regrade [--n 3000000] [--db-url URL].

Loads N synthetic subjects, gives a share of them records and list entries (set-up, not measured),
then times `regrade_all` (what `supervision credit regrade` runs) over every subject.

Profile (py-spy and per-process CPU, 300k subjects on PostgreSQL): ~3-4 us of client CPU a subject,
about half decoding the keyset page of subjects (asyncpg records, not ORM rows), the rest the
grading loop: the rules run only for the ~5% with records or list entries, the others take the
grade of their industry risk, computed once per batch. PostgreSQL spends ~2-3 us a subject (index
scan in USCC order; one UPDATE ... FROM unnest for the rows whose grade moved). What limits it:
reading every subject once, on one connection, with the grading between reads.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bench.credit_data import BenchDatabase, fmt_rate, load_subjects, uscc_for

GOAL_ROWS, GOAL_SECONDS = 3_000_000, 60.0


async def seed_history(db, n: int, share: float, seed: int = 7) -> int:
    """Penalties, inspection results and abnormal-list entries for `share` of the subjects."""
    from sqlalchemy import insert

    from services.credit.models import CreditRecord, ListEntry
    from shared.clock import shanghai_today
    from shared.ids import new_id

    rnd = random.Random(seed)
    today = shanghai_today()
    now = datetime.now(UTC)
    records, entries = [], []
    for i in rnd.sample(range(n), int(n * share)):
        uscc = uscc_for(i)
        for _ in range(rnd.randint(1, 3)):
            kind = rnd.choice(("penalty", "penalty", "inspection_result"))
            day = today - timedelta(days=rnd.randint(1, 1500))
            records.append({
                "id": new_id(), "uscc": uscc, "kind": kind, "department": "scjgj", "matter_code": "scjgj-001",
                "legal_basis": "bench", "decision_date": day, "summary": "", "status": "active",
                "severity": rnd.choice(("minor", "general", "serious")) if kind == "penalty" else None,
                "penalty_kind": "fine" if kind == "penalty" else None,
                "amount": Decimal(20000) if kind == "penalty" else None,
                "outcome": rnd.choice(("passed", "problems", "not_found")) if kind != "penalty" else None,
                "under_objection": False, "created_at": now})
        if rnd.random() < 0.1:
            entries.append({"id": new_id(), "uscc": uscc, "list_kind": "abnormal", "reason": "annual_report_not_filed",
                            "reason_text": "bench", "basis": "bench", "department": "scjgj",
                            "entered_on": today - timedelta(days=rnd.randint(1, 900)), "created_at": now})
    async with db.sessionmaker() as session:
        for i in range(0, len(records), 10_000):
            await session.execute(insert(CreditRecord), records[i : i + 10_000])
        if entries:
            await session.execute(insert(ListEntry), entries)
        await session.commit()
    return len(records)


async def run(n: int, url: str | None, share: float, batch_size: int, keep: bool) -> dict:
    from services.credit.grading.service import regrade_all

    async with BenchDatabase(url, keep) as bench:
        db = bench.database()
        try:
            t = time.perf_counter()
            await load_subjects(db, n)
            seeded = await seed_history(db, n, share)
            print(f"  set-up: {n:,} subjects, {seeded:,} records in {time.perf_counter() - t:.1f} s ({bench.url})")
            cpu, t = time.process_time(), time.perf_counter()
            first = await regrade_all(db.sessionmaker, batch_size=batch_size)
            first_s, first_cpu = time.perf_counter() - t, time.process_time() - cpu
            cpu, t = time.process_time(), time.perf_counter()
            second = await regrade_all(db.sessionmaker, batch_size=batch_size)
            second_s, second_cpu = time.perf_counter() - t, time.process_time() - cpu
        finally:
            await db.dispose()
    return {"first": (first, first_s, first_cpu), "second": (second, second_s, second_cpu)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.credit_regrade")
    parser.add_argument("--n", type=int, default=GOAL_ROWS, help="subjects")
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--share", type=float, default=0.05, help="share of subjects with records")
    parser.add_argument("--batch-size", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    print(f"credit regrade: {args.n:,} subjects, {args.share:.0%} with records, batches of {args.batch_size:,}")
    r = asyncio.run(run(args.n, args.db_url, args.share, args.batch_size, args.keep))
    for label, (totals, seconds, cpu) in (("after new records", r["first"]), ("nothing changed", r["second"])):
        print(f"  {label:<18} {totals.subjects:,} subjects, {totals.changed:,} grades changed: wall {seconds:.1f} s "
              f"({fmt_rate(totals.subjects, seconds)}), cpu {cpu:.1f} s; "
              f"extrapolated to {GOAL_ROWS:,}: {seconds * GOAL_ROWS / max(totals.subjects, 1):.0f} s "
              f"(goal {GOAL_SECONDS:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
