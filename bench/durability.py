"""What durability costs: SQLite commits with synchronous NORMAL vs FULL, and JetStream publishes
with the server's default sync (every 2 min) vs `sync_interval: always`, measured in the same run.

    python -m bench durability [--n 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import nats

import shared.db as shared_db
from bench.common import machine, percentile
from tests.support import free_port, nats_server_binary


async def sqlite_commits(folder: Path, level: str, n: int) -> tuple[float, float]:
    from sqlalchemy import text

    shared_db.SQLITE_SYNCHRONOUS = level
    engine = shared_db.make_engine(f"sqlite+aiosqlite:///{folder / f'{level}.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"))
        lat = []
        start = time.perf_counter()
        for i in range(n):
            t0 = time.perf_counter()
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t (body) VALUES (:b)"), {"b": "x" * 400})
            lat.append(time.perf_counter() - t0)
        return n / (time.perf_counter() - start), percentile(lat, 50) * 1000
    finally:
        await engine.dispose()
        shared_db.SQLITE_SYNCHRONOUS = "FULL"


async def nats_publishes(folder: Path, sync_always: bool, n: int) -> tuple[float, float]:
    store, port = folder / f"nats-{sync_always}", free_port()
    conf = folder / f"nats-{sync_always}.conf"
    conf.write_text(f'jetstream {{ store_dir: "{store}"' + (", sync_interval: always" if sync_always else "") + " }\n")
    proc = subprocess.Popen([nats_server_binary(), "-c", str(conf), "-a", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await asyncio.sleep(0.5)
        nc = await nats.connect(f"nats://127.0.0.1:{port}")
        js = nc.jetstream()
        await js.add_stream(name="B", subjects=["b.>"])
        lat = []
        start = time.perf_counter()
        for i in range(n):  # one at a time: each acknowledged write waits for its own sync
            t0 = time.perf_counter()
            await js.publish("b.x", b"x" * 400)
            lat.append(time.perf_counter() - t0)
        rate = n / (time.perf_counter() - start)
        await nc.close()
        return rate, percentile(lat, 50) * 1000
    finally:
        proc.terminate()
        proc.wait()


async def run(n: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="supbench-dur-"))
    try:
        print(f"machine: {machine()}; {n} single-row commits / single publishes each")
        for level in ("NORMAL", "FULL"):
            rate, p50 = await sqlite_commits(folder, level, n)
            print(f"SQLite synchronous={level:<6}  {rate:8.0f} commits/s  p50 {p50:.2f} ms")
        for always in (False, True):
            rate, p50 = await nats_publishes(folder, always, n)
            label = "always" if always else "default"
            print(f"JetStream sync {label:<7}       {rate:8.0f} acked publishes/s  p50 {p50:.2f} ms")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench durability")
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args(argv)
    asyncio.run(run(args.n))
