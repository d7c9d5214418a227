"""A real 3-node nats-server cluster with JetStream, on loopback (tests and drills)."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

import nats

from tests.support import free_port, nats_server_binary


class NatsCluster:
    def __init__(self, folder: Path, size: int = 3) -> None:
        self.folder = folder
        self.ports = [free_port() for _ in range(size)]
        self.routes = [free_port() for _ in range(size)]
        self.procs: list[subprocess.Popen | None] = [None] * size

    @property
    def url(self) -> str:
        return ",".join(self.urls)

    @property
    def urls(self) -> list[str]:
        return [f"nats://127.0.0.1:{p}" for p in self.ports]

    def start_node(self, i: int) -> None:
        routes = ",".join(f"nats://127.0.0.1:{r}" for j, r in enumerate(self.routes) if j != i)
        conf = self.folder / f"n{i}.conf"
        conf.write_text(f'jetstream {{ store_dir: "{self.folder / f"n{i}"}", sync_interval: always }}\n')
        self.procs[i] = subprocess.Popen(
            [nats_server_binary(), "-c", str(conf), "-a", "127.0.0.1", "-p", str(self.ports[i]),
             "-n", f"n{i}", "--cluster_name", "sup", "--cluster", f"nats://127.0.0.1:{self.routes[i]}",
             "--routes", routes],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for i in range(len(self.ports)):
            self.start_node(i)

    async def wait_ready(self, timeout: float = 60.0) -> None:
        """Until JetStream answers through the cluster (a meta leader is elected)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                nc = await nats.connect(self.urls, connect_timeout=1, max_reconnect_attempts=1)
                try:
                    await nc.jetstream(timeout=2).account_info()
                    return
                finally:
                    await nc.close()
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.3)

    def kill_node(self, i: int) -> None:
        proc = self.procs[i]
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def stop(self) -> None:
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            if proc is not None:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
