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
    return b",".join(new_id_bytes(count)).decode().split(",") if count > 0 else []


def new_id_bytes(count: int) -> list[bytes]:
    """new_ids as ASCII bytes (what a binary COPY sends), built for the whole batch at once: the 16
    bytes of every id laid out together with slice assignments, then hex-encoded and dashed."""
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
    raw = bytearray(os.urandom(16 * count))
    raw[8::16] = raw[8::16].translate(_VARIANT)  # the RFC 9562 variant (0b10) over 62 random bits
    i, ms, seq = 0, first_ms, first_seq
    while i < count:  # one run per millisecond: its clock bytes, then the version and counter bytes
        k = min(count - i, 0x1000 - seq)
        clock = (ms & ((1 << 48) - 1)).to_bytes(6, "big")
        for j in range(6):
            raw[16 * i + j : 16 * (i + k) : 16] = clock[j : j + 1] * k
        raw[16 * i + 6 : 16 * (i + k) : 16] = _VERSION_HIGH[seq : seq + k]
        raw[16 * i + 7 : 16 * (i + k) : 16] = _COUNTER_LOW[seq : seq + k]
        i, ms, seq = i + k, ms + 1, 0
    # Hex in groups of four digits, "-" after each: keep the dashes that belong to the UUID layout
    # (8-4-4-4-12), mark the others for deletion, end each id with a separator, then one split.
    text = bytearray(raw.hex("-", 2).encode() + b"-")
    text[4::40] = text[29::40] = text[34::40] = b"\0" * count
    text[39::40] = b"," * count
    return bytes(text.translate(None, b"\0")[:-1]).split(b",")


_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))
_VERSION_HIGH = bytes(0x70 | (n >> 8) for n in range(0x1000))  # version 7, the counter's top 4 bits
_COUNTER_LOW = bytes(n & 0xFF for n in range(0x1000))
