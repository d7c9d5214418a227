"""Latency of one event-driven regrade: python -m bench.credit_event_regrade [--n 100000] [--events 200].

Each event is a `sup.casework.decision.issued` handled by the credit consumer's own transaction
(inbox row, penalty record, regrade, outbox rows, commit): the time until the new grade is stored.
The NATS fetch and ack around it are not included.

Profile (py-spy, PostgreSQL): ~3.5 ms of client CPU an event on a loaded box, spent on statements:
the consumer's inbox insert, begin and commit (shared plumbing, ~25%), then six cached Core
statements in the credit handler at ~5-10% each (decision already on file?, insert the record,
subject state, its records and lists in one UNION query, store grade and risk when they moved,
one outbox insert for record.added with grade.changed); rules and payload models ~10%. What limits
it: round trips and SQLAlchemy's per-statement cost (~0.15-0.25 ms each), not the grading.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime
from decimal import Decimal

from bench.credit_data import BenchDatabase, load_subjects, uscc_for

GOAL_MS = 5.0


def _event(uscc: str, i: int):
    from shared.bus.envelope import Event
    from shared.clock import shanghai_today
    from shared.contracts.casework import DecisionIssued
    from shared.ids import new_id

    payload = DecisionIssued(
        decision_id=new_id(), decision_number=f"bench-{i}", case_id=new_id(), uscc=uscc, party_name="bench",
        violation_type="food_safety", decision_kind="penalty", penalty_kinds=["fine"], fine_amount=Decimal(50000),
        severity=random.choice(("minor", "general", "serious")), legal_basis="bench", department="scjgj",
        matter_code="scjgj-001", decided_on=shanghai_today(), publishable=True)
    return Event(id=new_id(), type=payload.event_type, version=payload.event_version, source="/supervision/casework",
                 time=datetime.now(UTC), data=payload.model_dump(mode="json"))


async def run(n: int, events: int, url: str | None, keep: bool) -> tuple[list[float], list[float]]:
    from services.credit.handlers import subscriptions
    from shared.bus.consumer import Consumer

    async with BenchDatabase(url, keep) as bench:
        db = bench.database()
        try:
            t = time.perf_counter()
            await load_subjects(db, n)
            print(f"  set-up: {n:,} subjects in {time.perf_counter() - t:.1f} s ({bench.url})")
            sub = next(s for s in subscriptions() if s.durable == "credit-decisions")
            consumer = Consumer(db, None, None, sub)  # the consumer's transaction, without NATS around it
            rnd = random.Random(11)
            latencies, cpu = [], []
            for i in range(events + 20):
                e = _event(uscc_for(rnd.randrange(n)), i)
                t, c = time.perf_counter(), time.process_time()
                await consumer._handle(e)
                if i >= 20:  # the first events warm caches and connections
                    latencies.append((time.perf_counter() - t) * 1000)
                    cpu.append((time.process_time() - c) * 1000)
        finally:
            await db.dispose()
    return latencies, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.credit_event_regrade")
    parser.add_argument("--n", type=int, default=100_000, help="subjects in the database")
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    print(f"credit event-driven regrade: {args.events} decision events over {args.n:,} subjects")
    wall, cpu = asyncio.run(run(args.n, args.events, args.db_url, args.keep))
    ms = sorted(wall)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"  decision event -> grade stored: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {ms[-1]:.2f} ms "
          f"(goal {GOAL_MS:.0f} ms); process cpu p50 {statistics.median(cpu):.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
