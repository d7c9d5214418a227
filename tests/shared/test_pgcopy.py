"""Binary COPY encoders: numbers, dates and times in PostgreSQL's wire layout."""

from __future__ import annotations

import random
import struct
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from shared import pgcopy


def _numeric_value(field: bytes) -> Decimal:
    """Read back a numeric field (length word, then ndigits, weight, sign, dscale and base-10000 digits)."""
    (length,) = struct.unpack_from(">i", field)
    ndigits, weight, sign, dscale = struct.unpack_from(">hhHh", field, 4)
    assert length == 8 + 2 * ndigits == len(field) - 4
    digits = struct.unpack_from(f">{ndigits}h", field, 12)
    assert all(0 <= d < 10000 for d in digits) and (not digits or (digits[0] and digits[-1]))
    value = sum((Decimal(d) * Decimal(10000) ** (weight - i) for i, d in enumerate(digits)), Decimal(0))
    return (-value if sign == 0x4000 else value).quantize(Decimal(1).scaleb(-dscale))


def test_numeric_round_trips_with_its_scale():
    rnd = random.Random(7)
    values = [Decimal(s) for s in ("0", "0.00", "-0.00", "1", "70.00", "0.05", "12.34", "-12.34", "10000", "9999.99",
                                   "123456.7", "0.0001", "1E+5", "100000000.01")]
    values += [Decimal(rnd.randint(-10**8, 10**8)).scaleb(-rnd.randint(0, 6)) for _ in range(2000)]
    for v in values:
        got = _numeric_value(pgcopy.numeric(v))
        assert got == v and got.as_tuple().exponent == min(0, v.as_tuple().exponent), v
    assert pgcopy.numeric(None) == pgcopy.NULL


def test_dates_times_and_text():
    assert pgcopy.date_(date(2000, 1, 1)) == b"\0\0\0\4" + struct.pack(">i", 0)
    assert pgcopy.date_(date(1999, 12, 31)) == b"\0\0\0\4" + struct.pack(">i", -1)
    moment = datetime(2000, 1, 2, 0, 0, 1, 5, tzinfo=UTC)
    assert pgcopy.timestamptz(moment) == b"\0\0\0\x08" + struct.pack(">q", 86_401_000_005)
    before = datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert pgcopy.timestamptz(before) == b"\0\0\0\x08" + struct.pack(">q", -1_000_000)
    assert pgcopy.timestamptz(before.astimezone(timezone(timedelta(hours=8)))) == pgcopy.timestamptz(before)
    assert pgcopy.text("甲\t") == struct.pack(">i", 4) + "甲\t".encode()
    assert pgcopy.text(None) == pgcopy.NULL == struct.pack(">i", -1)
    assert pgcopy.length(pgcopy.LENGTHS_UPTO + 5) == struct.pack(">i", pgcopy.LENGTHS_UPTO + 5)
    assert pgcopy.payload([b"r"]) == b"PGCOPY\n\xff\r\n\0" + b"\0" * 8 + b"r" + b"\xff\xff"
