"""Gateway proxy overhead: throughput through the gateway vs straight to the same service, and the
latency the gateway adds at low load, measured in the same run.

A real credit service (SQLite, bus off) serves an authenticated `GET /subjects/{uscc}`; the
gateway runs in another process in front of it. Both are uvicorn with uvloop + httptools,
one worker each, access logs off. Load: wrk (`apt-get install wrk`) when present, else a
small asyncio client in its own process. Throughput runs alternate direct / gateway
(`--rounds` times) and report the best of each; latency is wrk with one connection
(sequential requests), direct and via gateway back to back, p50/p99 from wrk's histogram,
the median over the rounds. CPU per request (from /proc) is the figure least disturbed by
other work on the machine.

    python -m bench gateway_proxy [--seconds 8] [--connections 32] [--rounds 2] [--profile out.svg]

`--profile` records the gateway under load with py-spy (if installed) into a flame graph.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import machine, percentile
from gateway.identity.clients import Client
from gateway.identity.keys import load_or_create_keys, write_jwks_file
from gateway.identity.tokens import TokenIssuer
from shared.migrate import upgrade_to_head
from tests.support import free_port

USCC = "91310000MA1FL8TQ10"
SUBJECT = {"uscc": USCC, "name": "上海示例贸易有限公司", "subject_type": "enterprise", "legal_rep_name": "张三",
           "legal_rep_id": "11010519491231002X", "registered_address": "上海市黄浦区中山东一路1号",
           "district": "310101", "industry_code": "F5191", "registered_on": "2019-03-15"}


def _uvicorn(factory: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    argv = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1", "--port", str(port),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]
    return subprocess.Popen(argv, env={**os.environ, **env}, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _wait(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url} exited:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} not ready:\n{log.read_text()[-2000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wrk(url: str, token: str, seconds: float, connections: int, expect_errors: bool = False) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
                          "-H", f"Authorization: Bearer {token}", url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx and not expect_errors:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses\n{out}")

    def ms(label: str) -> float:
        m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)\b", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {"rps": rps, "p50": ms("50"), "p99": ms("99")}


_CLIENT = r'''
import asyncio, sys, time
host, port, path, token, seconds, conns = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]), int(sys.argv[6])
errors_ok = sys.argv[7] == "1"
req = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
lat = []
async def one(deadline):
    r, w = await asyncio.open_connection(host, port)
    n = 0
    while time.perf_counter() < deadline:
        t = time.perf_counter(); w.write(req)
        head = await r.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 2") and not errors_ok: raise SystemExit(head[:100])
        length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
        await r.readexactly(length); lat.append(time.perf_counter() - t); n += 1
    w.close(); return n
async def main():
    deadline = time.perf_counter() + seconds; t0 = time.perf_counter()
    n = sum(await asyncio.gather(*(one(deadline) for _ in range(conns))))
    lat.sort(); print(n / (time.perf_counter() - t0), lat[len(lat)//2]*1000, lat[int(len(lat)*.99)]*1000)
asyncio.run(main())
'''


def _pyload(url: str, token: str, seconds: float, connections: int, expect_errors: bool = False) -> dict[str, float]:
    m = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    out = subprocess.run([sys.executable, "-c", _CLIENT, m.group(1), m.group(2), m.group(3), token, str(seconds),
                          str(connections), "1" if expect_errors else "0"], capture_output=True, text=True, check=True).stdout.split()
    return {"rps": float(out[0]), "p50": float(out[1]), "p99": float(out[2])}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to report CPU per request."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(url: str, token: str, seconds: float, connections: int, pids: tuple[int, ...] = (),
         expect_errors: bool = False) -> dict[str, float]:
    before = [_cpu_seconds(p) for p in pids]
    result = (_wrk if shutil.which("wrk") else _pyload)(url, token, seconds, connections, expect_errors)
    requests = result["rps"] * seconds
    for pid, cpu in zip(pids, before, strict=True):
        result[f"cpu_us_{pid}"] = (_cpu_seconds(pid) - cpu) / requests * 1e6
    return result


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench gateway_proxy")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--path", default="/lists/abnormal/entries?limit=1",
                    help="the credit service GET measured (an authenticated list read by default)")
    ap.add_argument("--profile", type=Path, default=None, help="py-spy flame graph of the gateway under load")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="supbench-gw-"))
    keys = tmp / "keys"
    ring = load_or_create_keys(keys)
    write_jwks_file(ring, keys / "jwks.json")
    officer = Client(client_id="bench-credit-officer", department="scjgj", roles=("credit_officer",),
                     kind="department", scopes=(), secret_hash="", created_at="")
    # A long-lived token so a long run never crosses its expiry.
    token = TokenIssuer(ring, ttl_seconds=3600).issue_token(officer)[0]
    credit_db = f"sqlite+aiosqlite:///{tmp}/credit.db"
    upgrade_to_head("credit", credit_db)
    upgrade_to_head("gateway", f"sqlite+aiosqlite:///{tmp}/gateway.db")

    credit_port, gw_port = free_port(), free_port()
    credit_env = {"CREDIT_DATABASE_URL": credit_db, "CREDIT_BUS_ENABLED": "false", "CREDIT_MIGRATE_ON_START": "false",
                  "CREDIT_JWKS_FILE": str(keys / "jwks.json"), "CREDIT_LOG_LEVEL": "WARNING"}
    gw_env = {"GATEWAY_KEY_DIR": str(keys), "GATEWAY_CLIENTS_FILE": str(keys / "clients.json"),
              "GATEWAY_AUDIT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/gateway.db", "GATEWAY_MIGRATE_ON_START": "false",
              "GATEWAY_CREDIT_URL": f"http://127.0.0.1:{credit_port}", "GATEWAY_LOG_LEVEL": "WARNING",
              # The rate limit is on, generous enough not to throttle the run: its cost is measured.
              "GATEWAY_RATE_PER_SECOND": "1000000", "GATEWAY_RATE_BURST": "1000000"}
    credit_log, gw_log = tmp / "credit.log", tmp / "gateway.log"
    credit = _uvicorn("services.credit.app:create_app", credit_port, credit_env, credit_log)
    gw = _uvicorn("gateway.app:create_app", gw_port, gw_env, gw_log)
    try:
        _wait(f"http://127.0.0.1:{credit_port}", credit, credit_log)
        _wait(f"http://127.0.0.1:{gw_port}", gw, gw_log)
        auth = {"Authorization": f"Bearer {token}"}
        created = httpx.post(f"http://127.0.0.1:{gw_port}/credit/subjects", json=SUBJECT, headers=auth, timeout=30)
        if created.status_code not in (201, 409):
            raise SystemExit(f"seeding failed: {created.status_code} {created.text}")
        direct_url = f"http://127.0.0.1:{credit_port}{args.path}"
        gw_url = f"http://127.0.0.1:{gw_port}/credit{args.path}"
        for url in (direct_url, gw_url):  # warm both paths (imports, pools, caches)
            load(url, token, 2, args.connections)

        direct, via = [], []
        for _ in range(args.rounds):
            direct.append(load(direct_url, token, args.seconds, args.connections, (credit.pid,)))
            via.append(load(gw_url, token, args.seconds, args.connections, (credit.pid, gw.pid)))
        # Low load: one connection, sequential requests, direct and via gateway interleaved
        # (a busy machine drifts; pairs measured back to back drift together).
        seq = [(load(direct_url, token, 1, 1), load(gw_url, token, 1, 1)) for _ in range(max(9, 3 * args.rounds))]
        # The gateway alone: a call it refuses itself (403 by the policy), no upstream involved.
        alone = load(f"http://127.0.0.1:{gw_port}/casework/cases", token, 2, 1, expect_errors=True)
        seq_direct = {k: percentile([d[k] for d, _ in seq], 50) for k in ("p50", "p99")}
        seq_via = {k: percentile([v[k] for _, v in seq], 50) for k in ("p50", "p99")}
        added = percentile([v["p50"] - d["p50"] for d, v in seq], 50)
        best_direct = max(r["rps"] for r in direct)
        best_via = max(r["rps"] for r in via)

        profile_note = ""
        venv_spy = Path(sys.executable).parent / "py-spy"
        py_spy = str(venv_spy) if venv_spy.exists() else shutil.which("py-spy")
        if args.profile is not None and py_spy:
            fmt = "raw" if args.profile.suffix == ".txt" else "flamegraph"  # raw: collapsed stacks
            spy = subprocess.Popen([py_spy, "record", "-o", str(args.profile), "--format", fmt, "--pid", str(gw.pid),
                                    "--duration", str(int(args.seconds)), "--rate", "500", "--nonblocking"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            load(gw_url, token, args.seconds, args.connections)
            spy.wait(60)
            profile_note = f"profile: {args.profile}"

        rounds_direct = ", ".join(f"{r['rps']:.0f}" for r in direct)
        rounds_via = ", ".join(f"{r['rps']:.0f}" for r in via)
        tool = "wrk" if shutil.which("wrk") else "asyncio client"
        print(f"gateway proxy overhead  ({machine()}; load: {tool}, {args.connections} connections, "
              f"{args.seconds:.0f} s x {args.rounds} rounds; GET credit {args.path} with a bearer token)")
        print(f"  throughput direct      {best_direct:9.0f} req/s   (rounds: {rounds_direct})")
        print(f"  throughput via gateway {best_via:9.0f} req/s   (rounds: {rounds_via})")
        print(f"  ratio gateway/direct   {best_via / best_direct:9.2f}     (goal >= 0.6)")
        print(f"  latency p50, 1 conn    direct {seq_direct['p50']:.3f} ms, via gateway {seq_via['p50']:.3f} ms")
        print(f"  added p50              {added:9.3f} ms  (goal <= 0.5 ms; median of {len(seq)} paired 1 s runs)")
        print(f"  gateway alone p50      {alone['p50']:9.3f} ms  (a call the gateway answers itself: token, "
              f"policy, limit, audit)")
        print(f"  latency p99, 1 conn    direct {seq_direct['p99']:.3f} ms, via gateway {seq_via['p99']:.3f} ms")
        print(f"  p50 under load         direct {percentile([r['p50'] for r in direct], 50):.2f} ms, "
              f"via gateway {percentile([r['p50'] for r in via], 50):.2f} ms")
        svc_cpu = percentile([r[f"cpu_us_{credit.pid}"] for r in direct], 50)
        gw_cpu = percentile([r[f"cpu_us_{gw.pid}"] for r in via], 50)
        print(f"  CPU per request        service {svc_cpu:.0f} us, gateway {gw_cpu:.0f} us "
              f"(gateway/service {gw_cpu / svc_cpu:.2f})")
        if profile_note:
            print(f"  {profile_note}")
    finally:
        _stop(gw)
        _stop(credit)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
