"""The official Chinese working-day calendar, and deadlines counted in it.

A day is a working day when it is Monday-Friday and not a public holiday, or when it is a
weekend day the State Council moved to work ("adjusted working weekend").

Where the schedule comes from, per calendar year:
- years the `chinese-calendar` package covers (2004-2026 in 1.11): the package;
- later years: the operator-maintained schedule file (`shared/data/holiday_schedules.yaml`,
  or the file named by `SUP_HOLIDAY_SCHEDULE_FILE`), filled in when the State Council
  publishes the next year (each autumn);
- otherwise the year is *unknown*: weekends alone are non-working days, and any deadline
  whose count depends on such a year is *provisional* (recompute it once the year arrives).

Running services notice a changed schedule file without a restart: each one's deadline job
(`shared.deadline_jobs`) asks its `CalendarWatch`, which reloads the calendar when the file
changed, and then recomputes the deadlines it stored as provisional.

Counting convention (the usual reading of "within N working days of X"): day X itself is not
counted; the deadline is the N-th working day after X. See `add_working_days`.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

import chinese_calendar

from shared.holiday_schedule import (  # noqa: F401  (re-exported: the calendar's public names)
    DEFAULT_SCHEDULE_FILE,
    SCHEDULE_FILE_ENV,
    SCHEDULE_FORMAT,
    HolidayScheduleError,
    YearSchedule,
    parse_schedule,
    schedule_file_path,
)

log = logging.getLogger(__name__)

# Recorded on calendar-day deadlines: they do not depend on any holiday schedule.
CALENDAR_DAYS_VERSION = "calendar-days"

# A year's notice can move days at the end of the previous December (the 2019 notice made
# 2018-12-29 a working Saturday; the 2008 one touched 2007-12-29..31). Until next year is
# known, days from this point of December on are not settled; we keep a margin before the 29th.
NEXT_NOTICE_REACHES_BACK_TO = (12, 25)

_PACKAGE_FIRST_YEAR = min(chinese_calendar.holidays).year
_PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year


# --------------------------------------------------------------------------- the calendar


class _YearTable:
    """One year's working-day flags plus running totals, so counting is a bisect, not a loop."""

    __slots__ = ("cum", "first_ordinal", "flags", "total", "year")

    def __init__(self, year: int, is_working) -> None:
        self.year = year
        first = date(year, 1, 1)
        self.first_ordinal = first.toordinal()
        n_days = date(year + 1, 1, 1).toordinal() - self.first_ordinal
        self.flags = bytes(is_working(first + timedelta(days=i)) for i in range(n_days))
        cum, running = [], 0
        for flag in self.flags:
            running += flag
            cum.append(running)
        self.cum = cum  # cum[i]: working days from 1 January through day i of the year
        self.total = running


class WorkingCalendar:
    """The working-day calendar built from chinese-calendar plus one schedule file."""

    def __init__(self, schedule_file: str | os.PathLike[str] | None = None) -> None:
        path = Path(schedule_file) if schedule_file is not None else schedule_file_path()
        # Taken before reading: a change landing between the two is seen by the next check.
        self.file_stamp = _file_stamp(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise HolidayScheduleError(f"cannot read holiday schedule file {path}: {exc}") from exc
        self.schedule_file = path
        self.schedules = parse_schedule(raw, str(path))
        digest = hashlib.sha256(raw).hexdigest()[:12]
        self.schedule_version = f"chinese-calendar-{chinese_calendar.__version__}+schedule-{digest}"
        self._holidays: set[date] = set(chinese_calendar.holidays)
        self._working_weekends: set[date] = set(chinese_calendar.workdays)
        for year, entry in sorted(self.schedules.items()):
            if self._package_covers(year):
                # The package is the reference for its years; say so if the file disagrees.
                same = (
                    entry.holidays <= self._holidays
                    and entry.working_weekends <= self._working_weekends
                )
                if not same:
                    log.warning(
                        "holiday schedule %s: %s differs from chinese-calendar; using the package",
                        path,
                        year,
                    )
                continue
            # Applied by actual date, so a 31 December holiday of the next notice is honoured.
            self._holidays |= entry.holidays
            self._working_weekends |= entry.working_weekends
            self._holidays -= entry.working_weekends
            self._working_weekends -= entry.holidays
        self._tables: dict[int, _YearTable] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _package_covers(year: int) -> bool:
        return _PACKAGE_FIRST_YEAR <= year <= _PACKAGE_LAST_YEAR

    def year_is_known(self, year: int) -> bool:
        """True when the official schedule of `year` is loaded (package or file)."""
        return self._package_covers(year) or year in self.schedules

    def year_source(self, year: int) -> str:
        if self._package_covers(year):
            return f"chinese-calendar {chinese_calendar.__version__}"
        if year in self.schedules:
            entry = self.schedules[year]
            return f"{entry.source} (published {entry.published.isoformat()})"
        return "unknown: weekends only"

    def _is_working(self, d: date) -> bool:
        if d in self._working_weekends:
            return True
        return d.weekday() < 5 and d not in self._holidays

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            with self._lock:
                table = self._tables.get(year)
                if table is None:
                    table = self._tables[year] = _YearTable(year, self._is_working)
        return table

    def is_working_day(self, d: date) -> bool:
        _check_date(d)
        table = self._table(d.year)
        return bool(table.flags[d.toordinal() - table.first_ordinal])

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start not counted); n=0: start if it is a
        working day, else the next working day. Negative n is refused."""
        _check_date(start)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"n must be an int, not {type(n).__name__}")
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n == 0:  # first working day on or after start == 1st working day after the eve
            start, n = start - timedelta(days=1), 1
        table = self._table(start.year)
        target = table.cum[start.toordinal() - table.first_ordinal] + n
        while target > table.total:
            target -= table.total
            table = self._table(table.year + 1)
        return date.fromordinal(table.first_ordinal + bisect.bisect_left(table.cum, target))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: start excluded, end included. end < start is refused."""
        _check_date(start)
        _check_date(end)
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        first, last = self._table(start.year), self._table(end.year)
        before = first.cum[start.toordinal() - first.first_ordinal]
        through = last.cum[end.toordinal() - last.first_ordinal]
        if first is last:
            return through - before
        middle = sum(self._table(y).total for y in range(start.year + 1, end.year))
        return first.total - before + middle + through

    def is_provisional(self, start: date, end: date) -> bool:
        """True when counting from `start` to `end` uses a year whose schedule is unknown,
        or ends late in a December whose next-year notice (which may move it) is not out."""
        _check_date(start)
        _check_date(end)
        start, end = min(start, end), max(start, end)
        if any(not self.year_is_known(y) for y in range(start.year, end.year + 1)):
            return True
        december_tail = date(end.year, *NEXT_NOTICE_REACHES_BACK_TO)
        return end >= december_tail and not self.year_is_known(end.year + 1)


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    """What a changed file changes: modification time, size, inode (an editor's atomic rename)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _check_date(d: object) -> None:
    # A datetime would be silently truncated in UTC; legal dates are Shanghai `date`s.
    if not isinstance(d, date) or isinstance(d, datetime):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}")


# --------------------------------------------------------------------------- default calendar

_default: WorkingCalendar | None = None
_default_lock = threading.Lock()


def get_calendar() -> WorkingCalendar:
    """The process-wide calendar, loaded once from `schedule_file_path()`."""
    global _default
    calendar = _default
    if calendar is None:
        with _default_lock:
            if _default is None:
                _default = WorkingCalendar()
            calendar = _default
    return calendar


def reload_calendar() -> WorkingCalendar:
    """Drop the cached calendar (e.g. after the schedule file was updated) and load it again."""
    global _default
    with _default_lock:
        _default = None
    return get_calendar()


# The file (and its stamp) that last failed to load, so a broken edit is logged once, not per check.
_rejected: tuple[Path, tuple[int, int, int] | None] | None = None


def refresh_calendar() -> WorkingCalendar:
    """The process-wide calendar, first reloaded if the schedule file changed since it was loaded
    (another file named by `SUP_HOLIDAY_SCHEDULE_FILE`, or a new mtime / size / inode).

    Cheap enough to call every few seconds: one stat() when nothing changed. A file that no
    longer loads (a bad edit, a half-copied file) is logged once and the calendar in use is
    kept: deadlines keep counting with the last good schedule instead of failing.
    """
    global _default, _rejected
    path = schedule_file_path()
    stamp = _file_stamp(path)
    current = _default
    if current is not None and current.schedule_file == path and current.file_stamp == stamp:
        return current
    with _default_lock:
        current = _default
        if current is not None and current.schedule_file == path and current.file_stamp == stamp:
            return current
        if current is not None and _rejected == (path, stamp):
            return current
        try:
            fresh = WorkingCalendar(path)
        except HolidayScheduleError as exc:
            if current is None:
                raise
            _rejected = (path, stamp)
            log.error("holiday schedule not reloaded, still using %s: %s", current.schedule_version, exc)
            return current
        _rejected = None
        _default = fresh
    if current is None or fresh.schedule_version != current.schedule_version:
        log.info("holiday schedule loaded from %s: %s", path, fresh.schedule_version)
    return fresh


class CalendarWatch:
    """Tells one consumer (a service's recompute job) when the schedule in force has changed
    since it last asked, reloading the process-wide calendar when the file changed.

    One watch per consumer: several services can share a process (the embedded run), and each
    must hear of a change, so "changed" cannot be a single process-wide flag. The first call
    answers True: the consumer has not seen any schedule yet, and the file may have been
    updated while the service was down.
    """

    def __init__(self) -> None:
        self.seen_version: str | None = None

    def changed(self) -> bool:
        version = refresh_calendar().schedule_version
        if version == self.seen_version:
            return False
        self.seen_version = version
        return True


def is_working_day(d: date) -> bool:
    return get_calendar().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """See `WorkingCalendar.add_working_days`."""
    return get_calendar().add_working_days(start, n)


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; the inverse of `add_working_days` for n >= 1."""
    return get_calendar().working_days_between(start, end)


def is_provisional(start: date, end: date) -> bool:
    return get_calendar().is_provisional(start, end)


# --------------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Deadline:
    start: date
    days: int
    kind: Literal["working", "calendar"]
    due: date
    provisional: bool
    calendar_version: str


def working_deadline(start: date, n: int, *, calendar: WorkingCalendar | None = None) -> Deadline:
    """The day n working days after `start`, with the schedule version used and whether it
    may still move when a missing year's schedule is published."""
    cal = calendar if calendar is not None else get_calendar()
    due = cal.add_working_days(start, n)
    return Deadline(start, n, "working", due, cal.is_provisional(start, due), cal.schedule_version)


def calendar_deadline(start: date, n: int) -> Deadline:
    """The day n calendar days after `start` (start not counted). Holidays do not matter,
    so it is never provisional."""
    _check_date(start)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return Deadline(start, n, "calendar", start + timedelta(days=n), False, CALENDAR_DAYS_VERSION)


def recompute(deadline: Deadline, *, calendar: WorkingCalendar | None = None) -> Deadline:
    """Recompute a provisional deadline with the current calendar (after a new year's
    schedule arrived). Settled deadlines are returned unchanged: once fixed they do not move."""
    if not deadline.provisional or deadline.kind != "working":
        return deadline
    return working_deadline(deadline.start, deadline.days, calendar=calendar)
