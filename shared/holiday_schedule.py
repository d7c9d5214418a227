"""The operator's holiday schedule file: format, parsing and validation.

Each year the State Council publishes the next year's holidays and adjusted working weekends;
the operator adds them to this file (`shared/data/holiday_schedules.yaml`, or the file named by
`SUP_HOLIDAY_SCHEDULE_FILE`) and running services pick the change up (see `shared.workdays`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

SCHEDULE_FILE_ENV = "SUP_HOLIDAY_SCHEDULE_FILE"
DEFAULT_SCHEDULE_FILE = Path(__file__).parent / "data" / "holiday_schedules.yaml"
SCHEDULE_FORMAT = 1
_ENTRY_KEYS = {"source", "published", "holidays", "working_weekends"}


class HolidayScheduleError(ValueError):
    """The holiday schedule file is missing or does not follow the documented format."""


class _DatesAsText(yaml.SafeLoader):
    """Safe YAML without implicit timestamps: 2027-02-30 must reach `_as_date` (and get a
    message naming its place) instead of failing inside the YAML parser."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# --------------------------------------------------------------------------- schedule file


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule, as published by the State Council."""

    year: int
    source: str
    published: date
    holidays: frozenset[date]
    working_weekends: frozenset[date]


def _as_date(value: object, where: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise HolidayScheduleError(f"{where}: {value!r} is not a date (expected YYYY-MM-DD)")


def _expand_holidays(items: object, where: str) -> set[date]:
    if not isinstance(items, list):
        raise HolidayScheduleError(f"{where}: expected a list of dates or {{from, to}} ranges")
    days: set[date] = set()
    for i, item in enumerate(items):
        at = f"{where}[{i}]"
        if isinstance(item, dict):
            if set(item) != {"from", "to"}:
                raise HolidayScheduleError(f"{at}: a range needs exactly the keys 'from' and 'to'")
            first, last = _as_date(item["from"], at + ".from"), _as_date(item["to"], at + ".to")
            if last < first:
                raise HolidayScheduleError(f"{at}: range ends ({last}) before it starts ({first})")
            if (last - first).days > 31:
                raise HolidayScheduleError(f"{at}: range longer than a month, probably a typo")
            days.update(first + timedelta(days=k) for k in range((last - first).days + 1))
        else:
            days.add(_as_date(item, at))
    return days


def _parse_year(year: object, entry: object, where: str) -> YearSchedule:
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 < year < 10000:
        raise HolidayScheduleError(f"{where}: year key {year!r} is not a year")
    where = f"{where}.{year}"
    if not isinstance(entry, dict):
        raise HolidayScheduleError(f"{where}: expected a mapping with keys {sorted(_ENTRY_KEYS)}")
    if set(entry) != _ENTRY_KEYS:
        missing, extra = _ENTRY_KEYS - set(entry), set(entry) - _ENTRY_KEYS
        raise HolidayScheduleError(
            f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(map(str, extra))}"
        )
    source = entry["source"]
    if not isinstance(source, str) or not source.strip():
        raise HolidayScheduleError(f"{where}.source: name the notice the dates come from")
    published = _as_date(entry["published"], where + ".published")
    holidays = _expand_holidays(entry["holidays"], where + ".holidays")
    if not holidays:
        raise HolidayScheduleError(f"{where}.holidays: a published schedule has holidays")
    working = entry["working_weekends"] or []
    if not isinstance(working, list):
        raise HolidayScheduleError(f"{where}.working_weekends: expected a list of dates")
    working_days = {_as_date(d, f"{where}.working_weekends[{i}]") for i, d in enumerate(working)}
    for d in sorted(holidays | working_days):
        # Notices reach into the neighbouring year (31 Dec / 1 Jan), never further.
        if abs(d.year - year) > 1:
            raise HolidayScheduleError(f"{where}: {d} is too far from {year}")
    for d in sorted(working_days):
        if d.weekday() < 5:
            raise HolidayScheduleError(f"{where}.working_weekends: {d} is not a Saturday or Sunday")
    both = sorted(holidays & working_days)
    if both:
        raise HolidayScheduleError(f"{where}: {both[0]} is both a holiday and a working weekend")
    return YearSchedule(
        year, source.strip(), published, frozenset(holidays), frozenset(working_days)
    )


def parse_schedule(raw: bytes, path: str = "<schedule>") -> dict[int, YearSchedule]:
    """Parse and validate a schedule file's bytes; raise HolidayScheduleError saying where."""
    try:
        doc = yaml.load(raw, Loader=_DatesAsText)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise HolidayScheduleError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != SCHEDULE_FORMAT or "years" not in doc:
        raise HolidayScheduleError(f"{path}: expected 'format: {SCHEDULE_FORMAT}' and 'years'")
    extra = set(doc) - {"format", "years"}
    if extra:
        raise HolidayScheduleError(f"{path}: unknown top-level keys {sorted(map(str, extra))}")
    years = doc["years"] or {}
    if not isinstance(years, dict):
        raise HolidayScheduleError(f"{path}: 'years' must map a year to its schedule")
    return {year: _parse_year(year, entry, f"{path}: years") for year, entry in years.items()}


def schedule_file_path() -> Path:
    """The schedule file in use: `SUP_HOLIDAY_SCHEDULE_FILE` if set, else the packaged one."""
    override = os.environ.get(SCHEDULE_FILE_ENV, "").strip()
    return Path(override) if override else DEFAULT_SCHEDULE_FILE
