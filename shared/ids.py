"""Time-ordered identifiers (UUIDv7, RFC 9562), so ids sort by creation and index well."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_seq = 0


def new_uuid7() -> uuid.UUID:
    """A UUIDv7: 48-bit Unix milliseconds, then a 12-bit counter (monotonic within a ms), then random."""
    global _last_ms, _seq
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _seq += 1
            if _seq > 0xFFF:  # counter exhausted: borrow the next millisecond
                ms += 1
                _seq = 0
        else:
            _seq = int.from_bytes(os.urandom(2), "big") & 0x3FF
        _last_ms = ms
        seq = _seq
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | seq << 64 | 0b10 << 62 | rand
    return uuid.UUID(int=value)


def new_id() -> str:
    return str(new_uuid7())


def new_ids(count: int) -> list[str]:
    """`count` UUIDv7 strings at once, in order: the same layout as new_id, for bulk loads (one clock
    read, one counter reservation and one random read for the whole batch)."""
    global _last_ms, _seq
    if count <= 0:
        return []
    with _lock:
        ms = max(time.time_ns() // 1_000_000, _last_ms)
        seq = _seq + 1 if ms == _last_ms else int.from_bytes(os.urandom(2), "big") & 0x3FF
        first_ms, first_seq = ms, seq
        # Reserve count counter values, borrowing milliseconds as the 12-bit counter runs out.
        total = seq + count - 1
        ms += total >> 12
        _last_ms, _seq = ms, total & 0xFFF
    # 64 random bits per id as hex; the first hex digit of each carries the RFC 9562 variant (0b10).
    rand = os.urandom(8 * count).hex()
    out = []
    ms, seq = first_ms, first_seq
    head = _time_hex(ms)
    for i in range(0, 16 * count, 16):
        if seq > 0xFFF:
            ms += 1
            seq = 0
            head = _time_hex(ms)
        out.append(f"{head}{_SEQ[seq]}{_VARIANT[rand[i]]}{rand[i + 1 : i + 4]}-{rand[i + 4 : i + 16]}")
        seq += 1
    return out


_VARIANT = dict(zip("0123456789abcdef", "89ab89ab89ab89ab"))
_SEQ = [f"7{n:03x}-" for n in range(0x1000)]  # the version digit, the 12-bit counter, a dash


def _time_hex(ms: int) -> str:
    """The first two groups and the dash before the version digit: the 48-bit millisecond clock."""
    h = f"{ms & ((1 << 48) - 1):012x}"
    return f"{h[:8]}-{h[8:]}-"
