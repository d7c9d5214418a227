"""PostgreSQL's binary COPY format: field encoders for bulk loads.

The server reads binary fields without parsing text (dates, timestamps, numbers), which costs it
less than COPY text for the same rows. A record is a 16-bit field count, then each field as a
32-bit length (-1 for NULL) and its bytes; `payload` wraps records in the header and trailer.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)  # signature, flags, no header extension
TRAILER = struct.pack(">h", -1)
NULL = struct.pack(">i", -1)
_PG_EPOCH_DAY = date(2000, 1, 1).toordinal()
_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

# Length words of text fields up to LENGTHS_UPTO bytes, looked up rather than packed row by row.
LENGTHS_UPTO = 4096
LENGTHS = [struct.pack(">i", n) for n in range(LENGTHS_UPTO + 1)]


def field_count(n: int) -> bytes:
    return struct.pack(">h", n)


def length(n: int) -> bytes:
    return LENGTHS[n] if n <= LENGTHS_UPTO else struct.pack(">i", n)


def text(value: str | None) -> bytes:
    """text/varchar: the UTF-8 bytes."""
    if value is None:
        return NULL
    b = value.encode()
    return length(len(b)) + b


def int4(value: int | None) -> bytes:
    return NULL if value is None else b"\x00\x00\x00\x04" + struct.pack(">i", value)


def boolean(value: bool | None) -> bytes:
    return NULL if value is None else b"\x00\x00\x00\x01" + (b"\x01" if value else b"\x00")


def date_(value: date | None) -> bytes:
    """date: days since 2000-01-01."""
    return NULL if value is None else b"\x00\x00\x00\x04" + struct.pack(">i", value.toordinal() - _PG_EPOCH_DAY)


def timestamptz(value: datetime | None) -> bytes:
    """timestamptz: microseconds since 2000-01-01 UTC (an aware datetime)."""
    if value is None:
        return NULL
    d = value - _PG_EPOCH
    return b"\x00\x00\x00\x08" + struct.pack(">q", (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds)


def numeric(value: Decimal | None) -> bytes:
    """numeric: base-10000 digits with weight, sign and display scale (the server applies the
    column's typmod on receipt)."""
    if value is None:
        return NULL
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise TypeError(f"numeric cannot hold {value}")
    scale = max(0, -exponent)
    unscaled = int("".join(map(str, digits)) or "0") * 10 ** max(0, exponent)
    pad = -scale % 4  # align the fraction to whole base-10000 digits
    unscaled *= 10**pad
    groups: list[int] = []
    while unscaled:
        unscaled, g = divmod(unscaled, 10000)
        groups.append(g)
    groups.reverse()
    weight = len(groups) - (scale + pad) // 4 - 1
    while groups and groups[-1] == 0:
        groups.pop()
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    if not groups:
        weight = 0
    body = struct.pack(f">hhhh{len(groups)}h", len(groups), weight, 0x4000 if sign and groups else 0, scale, *groups)
    return length(len(body)) + body


def encoder_for(type_) -> Callable[[object], bytes]:
    """The encoder of a SQLAlchemy column type's values."""
    from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Text

    for kind, encode in ((Boolean, boolean), (DateTime, timestamptz), (Date, date_), (Integer, int4),
                         (Numeric, numeric), (String, text), (Text, text)):
        if isinstance(type_, kind):
            return encode
    raise TypeError(f"no binary COPY encoder for {type_!r}")


def payload(records: Iterable[bytes]) -> bytes:
    """A whole binary COPY stream of encoded records."""
    return b"".join(chain((HEADER,), records, (TRAILER,)))  # one copy of the records
