"""Pipelined JetStream publishing: every message of a batch is sent before any ack is awaited.

nats-py's `js.publish` awaits a request per message; even gathered, its per-request machinery
caps a relay at about a third of what the server takes. Here one wildcard inbox subscription
collects the acks of a whole batch: publish all with reply subjects, flush once, then wait
for the acks (or a timeout, after which the unanswered ones count as failed and are retried;
the `Nats-Msg-Id` header makes a retry of a message that was in fact stored harmless).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from nats.aio.client import Client as NATS


class BatchPublisher:
    def __init__(self, nc: NATS, ack_timeout: float = 10.0) -> None:
        self.nc = nc
        self.ack_timeout = ack_timeout
        self._prefix: str | None = None
        self._sub: Any = None
        self._batch = 0
        self._waiting: dict[str, int] = {}
        self._errors: dict[int, str] = {}
        self._acked: set[int] = set()
        self._done = asyncio.Event()
        self._lock = asyncio.Lock()

    async def _ensure_subscription(self) -> None:
        if self._sub is None:
            self._prefix = self.nc.new_inbox()
            self._sub = await self.nc.subscribe(self._prefix + ".*", cb=self._on_ack)

    async def _on_ack(self, msg: Any) -> None:
        index = self._waiting.pop(msg.subject, None)
        if index is None:  # an ack of an earlier, timed-out batch
            return
        try:
            reply = json.loads(msg.data) if msg.data else {}
        except ValueError:
            reply = {"error": {"description": "unreadable ack"}}
        if "error" in reply:
            self._errors[index] = str(reply["error"].get("description", reply["error"]))
        elif not msg.data and msg.headers and msg.headers.get("Status") == "503":
            self._errors[index] = "no responders: stream not available"
        else:
            self._acked.add(index)
        if not self._waiting:
            self._done.set()

    async def publish_batch(self, messages: list[tuple[str, bytes, dict[str, str]]]) -> list[str | None]:
        """Publish (subject, body, headers) messages; returns None per acked message, else the error."""
        async with self._lock:
            await self._ensure_subscription()
            self._batch += 1
            self._waiting.clear()
            self._errors = {}
            self._acked = set()
            self._done.clear()
            base = f"{self._prefix}.{self._batch}x"
            for i in range(len(messages)):
                self._waiting[f"{base}{i}"] = i
            try:
                for i, (subject, body, headers) in enumerate(messages):
                    await self.nc.publish(subject, body, reply=f"{base}{i}", headers=headers)
                await self.nc.flush(timeout=self.ack_timeout)
                if self._waiting:
                    await asyncio.wait_for(self._done.wait(), timeout=self.ack_timeout)
            except Exception as exc:  # connection lost or timed out: the unanswered ones failed
                reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                for index in list(self._waiting.values()):
                    self._errors.setdefault(index, reason)
                self._waiting.clear()
            return [None if i in self._acked else self._errors.get(i, "no ack") for i in range(len(messages))]

    async def close(self) -> None:
        if self._sub is not None:
            try:
                await self._sub.unsubscribe()
            except Exception:
                pass
            self._sub = None
