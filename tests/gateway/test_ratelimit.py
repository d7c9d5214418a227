"""gateway.access.ratelimit: the token bucket."""

import pytest

from gateway.access.ratelimit import RateLimiter


def test_burst_then_refused_with_retry_after():
    rl = RateLimiter(rate=2, burst=3)
    assert [rl.check("a", now=0.0)[0] for _ in range(3)] == [True, True, True]
    allowed, retry = rl.check("a", now=0.0)
    assert not allowed and retry == pytest.approx(0.5)
    assert RateLimiter.retry_after_header(retry) == "1"


def test_refills_at_rate_and_caps_at_burst():
    rl = RateLimiter(rate=2, burst=3)
    for _ in range(3):
        rl.check("a", now=0.0)
    assert rl.check("a", now=0.5) == (True, 0.0)
    assert not rl.check("a", now=0.5)[0]
    # a long pause refills to the burst, not beyond
    assert [rl.check("a", now=100.0)[0] for _ in range(4)] == [True, True, True, False]


def test_clients_are_independent():
    rl = RateLimiter(rate=1, burst=1)
    assert rl.check("a", now=0.0)[0]
    assert not rl.check("a", now=0.0)[0]
    assert rl.check("b", now=0.0)[0]


def test_memory_bounded():
    rl = RateLimiter(rate=1, burst=1, max_clients=10)
    for i in range(100):
        rl.check(f"c{i}", now=0.0)
    assert len(rl._buckets) == 10
