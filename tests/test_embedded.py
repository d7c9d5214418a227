"""The embedded run: every app comes up ready, stops cleanly, leaves no process behind."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from supervision.embedded.config import DEFAULT_APPS, SERVICES, EmbeddedConfig, Ports
from supervision.embedded.runner import EmbeddedError, EmbeddedRun

ROOT = Path(__file__).resolve().parents[1]
APP_NAMES = ("gateway", *SERVICES)


def free_ports(count: int) -> list[int]:
    socks = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def port_options(ports: list[int]) -> list[str]:
    names = ("gateway", "credit", "inspection", "casework", "disclosure", "coordination", "nats")
    return [arg for name, port in zip(names, ports, strict=True) for arg in (f"--{name}-port", str(port))]


def processes_using(data_dir: Path) -> list[int]:
    """Pids of live processes whose command line or environment names the data folder."""
    needle = str(data_dir).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            text = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if needle in text and state != "Z":
            found.append(int(entry.name))
    return found


def readyz(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def supervision_cli() -> list[str]:
    script = Path(sys.executable).parent / "supervision"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from supervision.cli import app; app()"]


def cli_env(data_dir: Path) -> dict[str, str]:
    # The data folder in the environment lets processes_using() find every descendant.
    return {**os.environ, "PYTHONPATH": str(ROOT), "SUP_DATA_DIR": str(data_dir)}


@pytest.mark.timeout(60)
def test_runner_starts_every_app_ready_and_stop_leaves_no_process(tmp_path):
    data = tmp_path / "data"
    ports = free_ports(7)
    seen: list[dict[str, str]] = []
    run = EmbeddedRun(
        EmbeddedConfig(data_dir=data, ports=Ports(*ports), demo=True), post_start=seen.append, echo=lambda _: None
    )
    urls = run.start()
    try:
        assert {a.name for a in DEFAULT_APPS} == set(APP_NAMES)
        for name in APP_NAMES:
            assert readyz(urls[name]) == 200, name
        assert urls["docs"] == f"http://127.0.0.1:{ports[0]}/docs"
        pids = [c.process.pid for c in run.children]
        assert len(pids) == 7  # nats + six apps
        run.run_post_start()
        assert seen == [urls]
        for sub in ("nats", "logs"):
            assert any((data / sub).iterdir()), sub
        assert all((data / "db" / f"{name}.db").exists() for name in APP_NAMES)
    finally:
        run.stop()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)  # nothing left in the child's process group either
    assert processes_using(data) == []


def test_post_start_hook_is_skipped_with_no_demo(tmp_path):
    called = []
    run = EmbeddedRun(EmbeddedConfig(data_dir=tmp_path, demo=False), post_start=called.append)
    run.urls = {"gateway": "http://127.0.0.1:1"}
    run.run_post_start()
    assert called == []


# Two full starts (each well under 60 s); the margin is for a loaded CI machine.
@pytest.mark.timeout(90)
def test_cli_sigterm_stops_everything_and_a_second_up_keeps_the_data(tmp_path):
    data = tmp_path / "data"
    ports = free_ports(7)
    args = [*supervision_cli(), "up", "--no-demo", *port_options(ports)]
    proc = subprocess.Popen(
        args, cwd=ROOT, env=cli_env(data), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith(("running", "error")):
            break
    output = "".join(lines)
    assert "running" in output, output
    for name, port in zip(APP_NAMES, ports, strict=False):
        assert f"http://127.0.0.1:{port}" in output
        assert readyz(f"http://127.0.0.1:{port}") == 200, name
    pids = [int(p) for p in re.findall(r"pid (\d+)", output)]
    assert len(pids) == 7
    proc.send_signal(signal.SIGTERM)
    rest = proc.stdout.read()
    assert proc.wait(timeout=30) == 0, rest
    assert "stopped" in rest
    assert processes_using(data) == []

    credit_db = data / "db" / "credit.db"
    before = credit_db.stat().st_ino
    keep = data / "db" / "keep.txt"
    keep.write_text("still here")
    again = subprocess.run(
        [*args, "--check"], cwd=ROOT, env=cli_env(data), capture_output=True, text=True, timeout=60, check=False
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "ready:" in again.stdout
    assert keep.read_text() == "still here"
    assert credit_db.stat().st_ino == before
    assert processes_using(data) == []


@pytest.mark.timeout(30)
def test_a_taken_port_is_named_and_exits_2(tmp_path):
    data = tmp_path / "data"
    ports = free_ports(7)
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", ports[3]))
    holder.listen()
    try:
        result = subprocess.run(
            [*supervision_cli(), "up", "--check", "--no-demo", *port_options(ports)],
            cwd=ROOT, env=cli_env(data), capture_output=True, text=True, timeout=30, check=False,
        )
    finally:
        holder.close()
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"port {ports[3]}" in result.stderr
    assert "casework" in result.stderr
    assert processes_using(data) == []


def test_an_unreachable_external_nats_is_reported_before_anything_starts(tmp_path):
    ports = free_ports(7)
    run = EmbeddedRun(
        EmbeddedConfig(data_dir=tmp_path, ports=Ports(*ports), nats_url=f"nats://127.0.0.1:{ports[6]}"),
        echo=lambda _: None,
    )
    with pytest.raises(EmbeddedError, match="not reachable") as failure:
        run.start()
    assert failure.value.exit_code == 1
    assert run.children == []


def test_public_links_follow_the_gateway_address_unless_one_is_given(tmp_path):
    ports = Ports(gateway=18765)
    run = EmbeddedRun(EmbeddedConfig(data_dir=tmp_path, ports=ports), echo=lambda _m: None)
    assert run.child_env()["DISCLOSURE_PUBLIC_BASE_URL"] == "http://127.0.0.1:18765"
    given = EmbeddedRun(EmbeddedConfig(data_dir=tmp_path, ports=ports, public_base_url="https://sup.example.test/"),
                        echo=lambda _m: None)
    assert given.child_env()["DISCLOSURE_PUBLIC_BASE_URL"] == "https://sup.example.test"
    help_text = subprocess.run([*supervision_cli(), "up", "--help"], check=True, capture_output=True, text=True,
                               env={**cli_env(tmp_path), "COLUMNS": "400"}, timeout=60).stdout
    assert "--public-base-url" in help_text and "SUP_PUBLIC_BASE_URL" in help_text
