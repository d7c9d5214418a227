"""Process plumbing for the embedded run: ports, probes, log tails, process groups."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # Same option uvicorn and nats use, so a TIME_WAIT leftover is not mistaken for a user.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def tcp_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


def child_setup() -> None:
    # Runs in the child between fork and exec: its own process group, and (Linux) a
    # SIGTERM if the runner dies without cleaning up, so a kill -9 leaves no orphans.
    os.setsid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def signal_group(process: subprocess.Popen, sig: int, reaped: bool = False) -> None:
    # The child is its group's leader, so its pid is the group id.
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        if not reaped and process.poll() is None:
            process.send_signal(sig)
