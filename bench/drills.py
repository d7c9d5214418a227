"""Fault drills on loopback, each printing sent, acknowledged, published, lost, doubled and recovery.

    python -m bench drills [--n 200] [--backend sqlite|postgresql]

So far one drill is automated here: **disk-full** (the consumer's SQLite on a small tmpfs filled up,
root only; on PostgreSQL its database closed to connections) while the producer keeps committing
events. The suite runs its short version (tests/bus/test_transient_faults.py). The other drills
of issue 15 (kill -9 of a service and of NATS, SIGSTOP of a consumer, scale-out on a 3-node R3
cluster) are still run by hand; their pieces are in tests/bus/cluster.py and
tests/test_embedded_supervision.py.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import machine, private_nats
from shared.contracts.platform import ProbeRecorded
from tests.bus.faults import faultable_database
from tests.bus.harness import make_pair
from tests.support import DatabaseFactory


async def disk_full(n: int, backend: str, fault_seconds: float) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="supdrill-"))
    databases = DatabaseFactory(backend, work)
    try:
        async with private_nats() as server, faultable_database(databases, "inspection") as (url, fault):
            pair = await make_pair(databases, server.url, consumer_url=url)
            try:
                consumer = pair.make_consumer(durable="drill-disk-full")
                relay = pair.make_relay()
                relay.start()
                consumer.start()
                await fault.start()
                for i in range(n):  # each committed transaction is an acknowledged write
                    await pair.emit(ProbeRecorded(probe_id=f"d{i}", n=i))
                await asyncio.sleep(fault_seconds)
                await fault.clear()
                cleared = time.monotonic()
                while len(await pair.effects()) < n and time.monotonic() - cleared < 120:
                    await asyncio.sleep(0.1)
                recovery = time.monotonic() - cleared
                effects = await pair.effects()
                dlq = (await pair.js.stream_info("DLQ")).state.messages
                return {"sent": n, "acknowledged": n, "published": relay.published,
                        "lost": n - len(effects), "doubled": sum(c - 1 for c in effects.values()),
                        "dead_lettered": dlq, "recovery_s": recovery}
            finally:
                await pair.close()
    finally:
        databases.drop_all_in_background()
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench drills")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--fault-seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    r = asyncio.run(disk_full(args.n, args.backend, args.fault_seconds))
    print(f"disk-full ({args.backend}, {args.fault_seconds:.0f} s): sent {r['sent']}, acknowledged "
          f"{r['acknowledged']}, published {r['published']}, lost {r['lost']}, doubled {r['doubled']}, "
          f"dead-lettered {r['dead_lettered']}, recovery {r['recovery_s']:.1f} s")


