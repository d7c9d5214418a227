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
    rand = os.urandom(8 * count)
    out = []
    ms, seq = first_ms, first_seq
    for i in range(count):
        if seq > 0xFFF:
            ms += 1
            seq = 0
        r = int.from_bytes(rand[8 * i : 8 * i + 8], "big") & ((1 << 62) - 1)
        h = f"{(ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | seq << 64 | 0b10 << 62 | r:032x}"
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
        seq += 1
    return out
