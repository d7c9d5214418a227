"""The service's notion of now and today (Asia/Shanghai dates of legal effect).

One object per app, handed to routes, handlers and jobs, so a demo or a test can move the
whole service forward in time (`advance`) and watch windows end, with nothing patched.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.clock import shanghai_date


class Clock:
    def __init__(self, offset_days: float = 0.0) -> None:
        self.offset = timedelta(days=offset_days)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def today(self) -> date:
        return shanghai_date(self.now())

    def advance(self, *, days: float) -> None:
        self.offset += timedelta(days=days)


local_date = shanghai_date
