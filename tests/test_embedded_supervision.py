"""The embedded runner keeps its children alive: a child killed (-9) or hung (SIGSTOP) is restarted
with backoff and a log line while the others keep serving."""

from __future__ import annotations

import os
import signal
import time

from supervision.embedded.config import DEFAULT_APPS, EmbeddedConfig, Ports
from supervision.embedded.processes import http_status
from supervision.embedded.runner import EmbeddedRun
from supervision.embedded.supervisor import Supervisor
from tests.test_embedded import free_ports


def readyz(url: str) -> int | None:
    return http_status(f"{url}/readyz", timeout=1.0)


def _supervise_until(supervisor: Supervisor, done, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the supervisor did not get there"
        supervisor.tick()
        time.sleep(0.2)


def test_a_killed_or_hung_child_is_restarted_and_the_others_keep_serving(tmp_path):
    apps = [a for a in DEFAULT_APPS if a.name in ("gateway", "coordination")]
    ports = free_ports(7)
    lines: list[str] = []
    run = EmbeddedRun(EmbeddedConfig(data_dir=tmp_path / "data", ports=Ports(*ports), demo=False),
                      apps=apps, echo=lines.append)
    urls = run.start()
    try:
        supervisor = Supervisor(run, lines.append, interval=0.5, timeout=1.0, misses=2, max_backoff=2.0)

        def pid(name: str) -> int:
            return next(c.process.pid for c in run.children if c.name == name)

        gateway, nats = pid("gateway"), pid("nats")
        victim = pid("coordination")
        os.kill(victim, signal.SIGKILL)
        _supervise_until(supervisor, lambda: pid("coordination") != victim and readyz(urls["coordination"]) == 200)
        assert any("coordination" in line and "exited with code -9; restarting" in line for line in lines)

        hung = pid("coordination")
        os.kill(hung, signal.SIGSTOP)
        _supervise_until(supervisor, lambda: pid("coordination") != hung and readyz(urls["coordination"]) == 200)
        assert any("not answering" in line and "coordination" in line for line in lines)

        # The others were never touched.
        assert (pid("gateway"), pid("nats")) == (gateway, nats)
        assert readyz(urls["gateway"]) == 200
    finally:
        run.stop()
