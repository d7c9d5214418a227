"""Keeps the embedded run's children alive: one that exits, or stops answering `/healthz`
(hung, or SIGSTOPped), is restarted with backoff and a log line; the others keep serving.

`EmbeddedRun` owns the processes; `Supervisor.tick()` is called every half second by the run loop
and does at most a probe per child per interval, so a restart never waits on another child.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from supervision.embedded.processes import http_status, log_tail, signal_group


@dataclass
class _Watch:
    restarts: int = 0
    misses: int = 0
    next_probe: float = 0.0
    restart_at: float | None = None
    healthy_since: float | None = None
    answered: bool = False  # has answered /healthz since its (re)start


class Supervisor:
    def __init__(self, run: Any, echo: Callable[[str], None], *, interval: float = 2.0, timeout: float = 2.0,
                 misses: int = 3, max_backoff: float = 30.0, startup_grace: float = 60.0) -> None:
        self.run = run
        self.echo = echo
        self.interval, self.timeout, self.misses = interval, timeout, misses
        self.max_backoff, self.startup_grace = max_backoff, startup_grace
        self._watch: dict[str, _Watch] = {}
        self._started: dict[str, float] = {}

    def tick(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for child in list(self.run.children):
            w = self._watch.setdefault(child.name, _Watch())
            self._started.setdefault(child.name, now)
            if child.process.poll() is None and child.url and now >= w.next_probe:
                self._probe(child, w, now)
            if child.process.poll() is not None:
                self._restart_later(child, w, now)

    def _probe(self, child: Any, w: _Watch, now: float) -> None:
        w.next_probe = now + self.interval
        if http_status(f"{child.url}/healthz", timeout=self.timeout) == 200:
            w.misses, w.answered = 0, True
            w.healthy_since = w.healthy_since or now
            if w.restarts and now - w.healthy_since > 5 * self.max_backoff:
                w.restarts = 0  # stable again: the next failure starts the backoff afresh
            return
        w.healthy_since = None
        if not w.answered and now - self._started[child.name] < self.startup_grace:
            return  # still starting
        w.misses += 1
        if w.misses >= self.misses:
            self.echo(f"[{child.name:<10}] not answering {child.url}/healthz ({w.misses} probes); killing pid "
                      f"{child.process.pid} to restart it")
            signal_group(child.process, signal.SIGKILL)
            child.process.wait()

    def _restart_later(self, child: Any, w: _Watch, now: float) -> None:
        if w.restart_at is None:
            delay = min(self.max_backoff, 0.5 * 2 ** w.restarts)
            w.restart_at = now + delay
            self.echo(f"[{child.name:<10}] exited with code {child.process.returncode}; restarting in {delay:.1f} s "
                      f"(restart {w.restarts + 1}); the others keep serving. Last lines of {child.log_path}:\n"
                      f"{log_tail(child.log_path, 5)}")
            return
        if now < w.restart_at:
            return
        signal_group(child.process, signal.SIGKILL, reaped=True)  # anything it left in its group
        self.run.respawn(child)
        w.restarts += 1
        w.restart_at, w.misses, w.answered, w.healthy_since = None, 0, False, None
        self._started[child.name] = now
        w.next_probe = now + self.interval
