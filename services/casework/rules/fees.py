"""Late payment of fines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# Administrative Penalty Law (2021) art. 72(1)(1): a fine not paid on time accrues an extra
# 3% of the fine a day ...
LATE_FEE_DAILY_RATE = Decimal("0.03")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class LateFee:
    days_late: int
    amount: Decimal
    capped: bool


def late_fee(fine: Decimal, payment_due: date, paid_or_today: date) -> LateFee:
    """Late fee owed on ``fine`` whose last payment day was ``payment_due``."""
    fine = Decimal(fine)
    if fine < 0:
        raise ValueError("a fine cannot be negative")
    days = max((paid_or_today - payment_due).days, 0)
    raw = (fine * LATE_FEE_DAILY_RATE * days).quantize(CENT, rounding=ROUND_HALF_UP)
    # ... and the extra amount may not exceed the fine itself (art. 72(1)(1), second clause).
    capped = raw > fine
    return LateFee(days, min(raw, fine), capped)
