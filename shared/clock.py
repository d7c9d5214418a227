"""Dates of legal effect are Shanghai dates, whatever zone the machine runs in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_today() -> date:
    return datetime.now(SHANGHAI).date()


def shanghai_date(moment: datetime) -> date:
    """The Shanghai calendar date of an aware moment."""
    return moment.astimezone(SHANGHAI).date()
