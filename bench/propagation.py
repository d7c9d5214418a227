"""Propagation: a decision committed in casework → visible in disclosure's public JSON feed.

Starts a private nats-server and the casework and disclosure services as real uvicorn
processes (SQLite under a temp folder, or PostgreSQL with --backend postgresql), readies
cases through casework's API (not timed), then issues decisions at a steady rate through
the API while a reader follows the public feed by cursor. Latency is measured from the
moment the decision request is SENT (an upper bound on commit → visible) to the feed item's
own publication timestamp (set by disclosure in the transaction that makes it public: the
moment it becomes visible), and, as a second figure, to the moment the polling reader saw it. Baseline in the same run: a feed round trip with
nothing new (what the reader itself costs). Also prints the CPU each process used per
decision while decisions were sent (Linux /proc): casework, disclosure less what the
reader's polls cost it, nats-server, and this load client.

    python -m bench propagation [--rate 50] [--seconds 20] [--backend sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from bench.common import machine, percentile
from supervision.embedded.config import AppSpec, EmbeddedConfig, Ports
from supervision.embedded.runner import EmbeddedRun
from tests.support import free_port

TEAM = [{"officer_id": "officer-zhang"}, {"officer_id": "officer-li"}]


async def ready_case(c: httpx.AsyncClient, headers: dict, i: int, today) -> str:
    from supervision.synthetic import make_uscc

    back = 30
    r = await c.post("/cases", headers=headers, json={
        "matter_code": "scjgj-001", "uscc": make_uscc("91", "310115", 900_000 + i), "party_name": f"上海传播测试{i}有限公司",
        "violation_type": "food_labelling", "summary": "synthetic benchmark case",
        "received_on": (today - timedelta(days=back)).isoformat()})
    r.raise_for_status()
    case_id = r.json()["id"]
    for action, body in [("review_lead", {}),
                         ("file", {"investigators": TEAM, "on": (today - timedelta(days=back - 5)).isoformat()}),
                         ("start_investigation", {}),
                         ("notify_rights", {"penalty_kinds": ["fine"], "fine_amount": "8000.00",
                                            "on": (today - timedelta(days=back - 10)).isoformat()}),
                         ("propose_decision", {})]:
        r = await c.post(f"/cases/{case_id}/{action}", headers=headers, json=body)
        if r.status_code >= 400:
            raise RuntimeError(f"{action}: {r.status_code} {r.text[:300]}")
    return case_id


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (Linux /proc; NaN elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of(run_: EmbeddedRun) -> dict[str, float]:
    return {c.name: cpu_seconds(c.process.pid) for c in run_.children}


async def run(args: argparse.Namespace) -> None:
    from services.casework.cases.service import today as casework_today
    from tests.auth_support import Authority
    from tests.support import DatabaseFactory

    data = Path(tempfile.mkdtemp(prefix="supbench-prop-"))
    authority = Authority(data)
    urls: dict[str, str] = {}
    factory = None
    if args.backend == "postgresql":
        factory = DatabaseFactory("postgresql", data)
        urls = {"casework": await factory.fresh("casework"), "disclosure": await factory.fresh("disclosure")}
    ports = Ports(gateway=free_port(), credit=free_port(), inspection=free_port(), casework=free_port(),
                  disclosure=free_port(), nats=free_port())
    apps = [AppSpec(s, f"services.{s}.app:create_app", f"{s.upper()}_") for s in ("casework", "disclosure")]
    run_ = EmbeddedRun(EmbeddedConfig(data_dir=data, ports=ports, demo=False, log_level="WARNING",
                                      database_urls=urls), apps=apps, echo=lambda _m: None)
    try:
        run_.start()
        headers = authority.headers("scjgj", "case_officer")
        n = args.rate * args.seconds
        async with httpx.AsyncClient(base_url=run_.base_url("casework"), timeout=30) as cw, \
                httpx.AsyncClient(base_url=run_.base_url("disclosure"), timeout=30) as dc:
            today = casework_today()
            sem = asyncio.Semaphore(8)

            async def one(i: int) -> str:
                async with sem:
                    return await ready_case(cw, headers, i, today)

            t0 = time.perf_counter()
            cases = await asyncio.gather(*(one(i) for i in range(n)))
            print(f"  readied {n} cases in {time.perf_counter() - t0:.1f} s")

            # Baseline: what one feed poll costs when nothing is new.
            start = (await dc.get("/public/feed.json")).json()
            cursor = start["items"][-1]["_disclosure"]["cursor"] if start.get("items") else None
            base = []
            cpu0 = cpu_of(run_)
            for _ in range(200):
                t = time.perf_counter()
                await dc.get("/public/feed.json", params={"cursor": cursor} if cursor else None)
                base.append(time.perf_counter() - t)
            poll_cpu = (cpu_of(run_)["disclosure"] - cpu0["disclosure"]) / len(base)
            polls = 0

            sent: dict[str, float] = {}
            api_times: list[float] = []
            seen: dict[str, float] = {}
            sent_wall: dict[str, float] = {}
            answered_wall: dict[str, float] = {}  # the API's answer came back: the commit is before this
            published: dict[str, float] = {}  # the feed item's own date_published (disclosure's clock)
            early: list[tuple[float, str, float]] = []  # feed items seen before their decision number was known
            stop = asyncio.Event()

            async def reader() -> None:
                nonlocal cursor, polls
                while not stop.is_set() or len(seen) < len(sent):
                    r = await dc.get("/public/feed.json", params={"cursor": cursor} if cursor else None)
                    polls += 1
                    now = time.perf_counter()
                    doc = r.json()
                    for item in doc.get("items", []):
                        text = item.get("title", "") + item.get("content_text", "") + str(item.get("_disclosure", ""))
                        stamp = datetime.fromisoformat(item["date_published"].replace("Z", "+00:00")).timestamp()
                        hit = False
                        for number in list(sent):
                            if number not in seen and number in text:
                                seen[number], published[number] = now, stamp
                                hit = True
                        if not hit:  # possibly in the feed before its POST's response came back
                            early.append((now, text, stamp))
                    if doc.get("items"):
                        cursor = doc["items"][-1]["_disclosure"]["cursor"]
                    # A patient reader: polling flat out would take the CPU the services need.
                    await asyncio.sleep(args.poll_ms / 1000)
                    if stop.is_set() and time.perf_counter() > deadline:
                        return

            deadline = float("inf")
            cpu0, client0 = cpu_of(run_), time.process_time()
            task = asyncio.create_task(reader())
            interval = 1 / args.rate
            t_next = time.perf_counter()
            for case_id in cases:
                t_sent, t_wall = time.perf_counter(), time.time()
                r = await cw.post("/decisions", headers=headers, json={
                    "case_id": case_id, "decision_kind": "penalty", "penalty_kinds": ["fine"], "fine_amount": "8000.00",
                    "legal_basis": "Food Safety Law art. 125", "summary": "benchmark decision"})
                r.raise_for_status()
                number = r.json()["decision_number"]
                sent[number], sent_wall[number], answered_wall[number] = t_sent, t_wall, time.time()
                for t_seen, text, stamp in early:
                    if number in text:
                        seen.setdefault(number, t_seen)
                        published.setdefault(number, stamp)
                        break
                api_times.append(time.perf_counter() - t_sent)
                t_next += interval
                await asyncio.sleep(max(0.0, t_next - time.perf_counter()))
            deadline = time.perf_counter() + 30
            stop.set()
            await task
            cpu = {k: v - cpu0[k] for k, v in cpu_of(run_).items()}
            cpu["client"] = time.process_time() - client0
        lat = [seen[k] - sent[k] for k in sent if k in seen]
        pub = [published[k] - sent_wall[k] for k in sent if k in published]
        after_answer = [published[k] - answered_wall[k] for k in sent if k in published]
        print(f"\n[{args.backend}] {len(lat)}/{len(sent)} decisions visible in the public feed")
        print(f"  baseline feed poll (nothing new):   p50 {percentile(base, 50) * 1000:.2f} ms  "
              f"p99 {percentile(base, 99) * 1000:.2f} ms")
        print(f"  casework decision API (commit included): p50 {percentile(api_times, 50) * 1000:.1f} ms  "
              f"p99 {percentile(api_times, 99) * 1000:.1f} ms")
        print(f"  decision sent → published in the feed at {args.rate}/s (feed item's own timestamp): "
              f"p50 {percentile(pub, 50) * 1000:.1f} ms  p99 {percentile(pub, 99) * 1000:.1f} ms  "
              "(goal p50 ≤ 30 ms, p99 ≤ 100 ms)")
        print(f"  casework answered → published (lower bound of commit → visible): "
              f"p50 {percentile(after_answer, 50) * 1000:.1f} ms  p99 {percentile(after_answer, 99) * 1000:.1f} ms")
        print(f"  decision sent → seen by a reader polling every {args.poll_ms} ms: p50 {percentile(lat, 50) * 1000:.1f} ms"
              f"  p99 {percentile(lat, 99) * 1000:.1f} ms")
        n_sent = max(1, len(sent))
        # Disclosure's CPU less what the reader's polls cost it (measured on the idle feed above).
        per_event = (cpu["disclosure"] - polls * poll_cpu) / n_sent
        print(f"  CPU per decision: casework {cpu['casework'] / n_sent * 1000:.2f} ms (API, relay); disclosure "
              f"{per_event * 1000:.2f} ms (consumer, log, relay; less {polls} feed polls at "
              f"{poll_cpu * 1000:.2f} ms each); nats-server {cpu['nats'] / n_sent * 1000:.2f} ms; "
              f"this load client {cpu['client'] / n_sent * 1000:.2f} ms")
    finally:
        run_.stop()
        if factory:
            factory.drop_all_in_background()
        shutil.rmtree(data, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench propagation", description=__doc__)
    p.add_argument("--rate", type=int, default=50)
    p.add_argument("--seconds", type=int, default=20)
    p.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    p.add_argument("--poll-ms", type=int, default=20, help="the feed reader's pause between polls")
    args = p.parse_args(argv)
    print(f"propagation benchmark on {machine()}")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
