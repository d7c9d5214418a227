"""Per-client token bucket: `rate` requests per second on average, bursts up to `burst`.

The key is the client id for authenticated callers and the remote address for the public.
A denied request is answered 429 with `Retry-After: ceil(retry_after)`.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict


class RateLimiter:
    def __init__(self, rate: float, burst: float, max_clients: int = 100_000):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        # key -> (tokens left, time of last update); most recently used last.
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def check(self, client_key: str, now: float | None = None) -> tuple[bool, float]:
        """Take one token; returns (allowed, seconds until a token is available)."""
        t = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(client_key, (self.burst, t))
        tokens = min(self.burst, tokens + max(0.0, t - last) * self.rate)
        if tokens >= 1.0:
            allowed, tokens, retry_after = True, tokens - 1.0, 0.0
        else:
            allowed, retry_after = False, (1.0 - tokens) / self.rate
        self._buckets[client_key] = (tokens, t)
        if len(self._buckets) > self.max_clients:
            # The least recently seen client goes; it comes back with a full bucket, which is
            # what it would have by now anyway unless it is far below max_clients' horizon.
            self._buckets.popitem(last=False)
        return allowed, retry_after

    @staticmethod
    def retry_after_header(retry_after: float) -> str:
        return str(max(1, math.ceil(retry_after)))
