"""The official working-day calendar: 2026 from chinese-calendar, later years from the
schedule file, provisional deadlines until a year's schedule is known."""

from __future__ import annotations

import textwrap
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from shared import workdays
from shared.workdays import (
    DEFAULT_SCHEDULE_FILE,
    SCHEDULE_FILE_ENV,
    Deadline,
    HolidayScheduleError,
    WorkingCalendar,
    add_working_days,
    calendar_deadline,
    get_calendar,
    is_provisional,
    is_working_day,
    recompute,
    reload_calendar,
    working_days_between,
    working_deadline,
)

EMPTY_SCHEDULE = "format: 1\nyears: {}\n"

# A made-up 2027 schedule (NOT the official one, which is not published): New Year's Day
# moved to a 3-day break and Saturday 16 January worked.
FAKE_2027 = """\
format: 1
years:
  2027:
    source: "test fixture, not an official notice"
    published: 2026-11-01
    holidays:
      - {from: 2027-01-01, to: 2027-01-03}
      - 2027-02-08
    working_weekends:
      - 2027-01-16
"""


def write(tmp_path, text: str, name: str = "schedule.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def no_schedule(tmp_path) -> WorkingCalendar:
    """A calendar with no file entries, so 2027 stays unknown even after operators add it."""
    return WorkingCalendar(write(tmp_path, EMPTY_SCHEDULE, "empty.yaml"))


@pytest.fixture
def fake_2027(tmp_path) -> WorkingCalendar:
    return WorkingCalendar(write(tmp_path, FAKE_2027))


@pytest.fixture
def default_from_env(tmp_path, monkeypatch):
    """Point the process-wide calendar at a temporary file; restore the default afterwards."""

    def use(text: str):
        monkeypatch.setenv(SCHEDULE_FILE_ENV, str(write(tmp_path, text, "env.yaml")))
        return reload_calendar()

    yield use
    monkeypatch.delenv(SCHEDULE_FILE_ENV, raising=False)
    reload_calendar()


# ------------------------------------------------------------------ 2026 official dates


def test_national_day_2026_golden_week_and_its_working_weekends():
    # 2026 notice: 1-7 October off; Sunday 20 September and Saturday 10 October worked.
    for day in range(1, 8):
        assert not is_working_day(date(2026, 10, day))
    assert is_working_day(date(2026, 9, 20))  # Sunday
    assert is_working_day(date(2026, 10, 10))  # Saturday
    assert not is_working_day(date(2026, 10, 11))  # ordinary Sunday
    assert is_working_day(date(2026, 10, 8))
    assert not is_working_day(date(2026, 9, 25))  # Mid-Autumn, a Friday


def test_spring_festival_2026_and_its_working_saturdays():
    # 2026 notice: 15-23 February off; Saturdays 14 and 28 February worked.
    for day in range(15, 24):
        assert not is_working_day(date(2026, 2, day))
    assert is_working_day(date(2026, 2, 14))
    assert is_working_day(date(2026, 2, 28))
    assert is_working_day(date(2026, 2, 24))
    assert not is_working_day(date(2026, 2, 21)) and not is_working_day(date(2026, 3, 1))


def test_new_year_and_labour_day_2026():
    first_week = [is_working_day(date(2026, 1, d)) for d in range(1, 6)]
    assert first_week == [False, False, False, True, True]  # Sunday 4 January worked
    assert not is_working_day(date(2026, 5, 5)) and is_working_day(date(2026, 5, 9))


def test_agrees_with_chinese_calendar_on_every_day_it_covers():
    cal = get_calendar()
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert cal.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_package_years_are_known_and_2027_is_not(no_schedule):
    assert no_schedule.year_is_known(2026) and no_schedule.year_is_known(2004)
    assert not no_schedule.year_is_known(2027)
    assert not no_schedule.year_is_known(2003)
    with pytest.raises(NotImplementedError):  # why the schedule file exists
        chinese_calendar.is_workday(date(2027, 3, 1))


# ------------------------------------------------------------------ counting


def test_add_working_days_skips_the_golden_week_and_counts_the_working_saturday():
    # 30 Sep + 5: Thu 8, Fri 9, Sat 10 (worked), Mon 12, Tue 13 October.
    assert add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_start_day_is_not_counted():
    assert add_working_days(date(2026, 6, 1), 1) == date(2026, 6, 2)  # Monday -> Tuesday


def test_zero_days_is_start_if_working_else_next_working_day():
    assert add_working_days(date(2026, 6, 2), 0) == date(2026, 6, 2)
    assert add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 8)
    assert add_working_days(date(2026, 6, 20), 0) == date(2026, 6, 22)  # Dragon Boat Sat


def test_negative_days_and_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 6, 1), -1)
    with pytest.raises(TypeError):
        add_working_days(datetime(2026, 6, 1, 12), 3)
    with pytest.raises(ValueError):
        working_days_between(date(2026, 6, 2), date(2026, 6, 1))


def test_working_days_between_counts_start_excluded_end_included():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert working_days_between(date(2026, 6, 1), date(2026, 6, 1)) == 0
    assert working_days_between(date(2025, 12, 31), date(2026, 1, 5)) == 2  # 4 (Sun, worked), 5


def test_working_days_between_is_the_inverse_of_add_working_days(no_schedule):
    cal = no_schedule
    start = date(2025, 9, 1)
    for offset in range(0, 600, 3):  # crosses 2025 -> 2026 -> 2027 (weekend-only)
        s = start + timedelta(days=offset)
        for n in (1, 2, 5, 7, 15, 20, 30, 45):
            due = cal.add_working_days(s, n)
            assert cal.is_working_day(due)
            assert cal.working_days_between(s, due) == n, (s, n)
            assert cal.working_days_between(s, due - timedelta(days=1)) == n - 1
        end = s + timedelta(days=offset % 40)
        if cal.is_working_day(end) and end > s:
            assert cal.add_working_days(s, cal.working_days_between(s, end)) == end


# ------------------------------------------------------------------ provisional deadlines


def test_deadline_inside_2026_is_settled():
    d = working_deadline(date(2026, 6, 1), 20)
    version = get_calendar().schedule_version
    assert d == Deadline(date(2026, 6, 1), 20, "working", date(2026, 6, 30), False, version)


def test_deadline_crossing_into_2027_is_provisional_and_weekend_only(no_schedule):
    d = working_deadline(date(2026, 12, 15), 20, calendar=no_schedule)
    # Dec 16-18, 21-25, 28-31 (12), Fri 1 Jan counted as working (13), Jan 4-8 (18), 11, 12.
    assert d.due == date(2027, 1, 12) and d.provisional
    assert no_schedule.is_working_day(date(2027, 1, 1))  # a Friday: no holiday known
    assert not no_schedule.is_working_day(date(2027, 2, 6))  # a Saturday
    assert working_deadline(date(2027, 3, 1), 5, calendar=no_schedule).provisional


def test_last_december_week_waits_for_next_years_notice(no_schedule):
    # The next notice may move 29-31 December (it did in 2018); keep such ends provisional.
    assert no_schedule.is_provisional(date(2026, 12, 20), date(2026, 12, 28))
    assert not no_schedule.is_provisional(date(2026, 12, 1), date(2026, 12, 18))


def test_is_provisional_uses_the_default_calendar():
    assert is_provisional(date(2026, 1, 5), date(2026, 6, 1)) is False
    assert is_provisional(date(2003, 1, 5), date(2003, 6, 1)) is True


def test_calendar_deadline_ignores_holidays_and_is_never_provisional():
    assert calendar_deadline(date(2026, 9, 30), 7).due == date(2026, 10, 7)
    d = calendar_deadline(date(2026, 12, 20), 90)
    assert d.due == date(2027, 3, 20) and not d.provisional and d.kind == "calendar"


# ------------------------------------------------------------------ schedule file


def test_schedule_file_makes_2027_known_and_moves_the_due_date(no_schedule, fake_2027):
    before = working_deadline(date(2026, 12, 15), 20, calendar=no_schedule)
    after = working_deadline(date(2026, 12, 15), 20, calendar=fake_2027)
    assert fake_2027.year_is_known(2027)
    assert not fake_2027.is_working_day(date(2027, 1, 1))
    assert fake_2027.is_working_day(date(2027, 1, 16))  # worked Saturday
    assert not no_schedule.is_working_day(date(2027, 1, 16))
    assert not fake_2027.is_working_day(date(2027, 2, 8))
    assert after.due == date(2027, 1, 13) and not after.provisional
    assert before.due == date(2027, 1, 12)
    assert recompute(before, calendar=fake_2027) == after


def test_env_var_selects_the_schedule_file_and_reload_picks_it_up(default_from_env):
    cal = default_from_env(FAKE_2027)
    assert get_calendar() is cal and cal.year_is_known(2027)
    d = working_deadline(date(2026, 12, 15), 20)
    assert d.due == date(2027, 1, 13) and not d.provisional
    assert d.calendar_version == cal.schedule_version
    assert "test fixture" in cal.year_source(2027)


def test_recompute_after_a_new_year_arrives_via_reload(default_from_env):
    default_from_env(EMPTY_SCHEDULE)
    provisional = working_deadline(date(2026, 12, 15), 20)
    assert provisional.provisional
    default_from_env(FAKE_2027)
    fresh = recompute(provisional)
    assert fresh.due == date(2027, 1, 13) and not fresh.provisional
    assert fresh.calendar_version != provisional.calendar_version
    settled = working_deadline(date(2026, 6, 1), 20)
    assert recompute(settled) is settled


def test_next_years_notice_may_move_the_end_of_december(tmp_path):
    text = FAKE_2027.replace("- 2027-02-08", "- 2026-12-31")
    cal = WorkingCalendar(write(tmp_path, text))
    assert not cal.is_working_day(date(2026, 12, 31))
    assert not cal.is_provisional(date(2026, 12, 20), date(2026, 12, 30))


def test_package_years_win_over_the_file(tmp_path):
    text = """\
    format: 1
    years:
      2026:
        source: "test fixture"
        published: 2025-11-01
        holidays: [2026-03-02]
        working_weekends: [2026-03-07]
    """
    cal = WorkingCalendar(write(tmp_path, text))
    assert cal.is_working_day(date(2026, 3, 2))  # file's fake 2026 holiday ignored
    assert not cal.is_working_day(date(2026, 3, 7))


def test_schedule_version_follows_file_contents(tmp_path, fake_2027):
    same = WorkingCalendar(write(tmp_path, FAKE_2027, "copy.yaml"))
    empty = WorkingCalendar(write(tmp_path, EMPTY_SCHEDULE, "empty.yaml"))
    assert same.schedule_version == fake_2027.schedule_version != empty.schedule_version
    assert chinese_calendar.__version__ in fake_2027.schedule_version


def test_packaged_file_is_valid_and_invents_nothing():
    cal = WorkingCalendar(DEFAULT_SCHEDULE_FILE)
    for year, entry in cal.schedules.items():
        assert entry.source and entry.published.year in (year - 1, year)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("years: {}\n", "format: 1"),
        ("format: 1\nyears: [2027]\n", "'years' must map"),
        ("format: 1\nyears: {2027: {\n", "not valid YAML"),
        (FAKE_2027.replace('    source: "test fixture, not an official notice"\n', ""), "missing keys ['source']"),
        (FAKE_2027.replace("working_weekends", "working_weekend"), "unknown keys"),
        (FAKE_2027.replace("- 2027-01-16", "- 2027-01-06"), "2027-01-06 is not a Saturday or Sunday"),
        (FAKE_2027.replace("- 2027-01-16", "- 2027-01-02"), "both a holiday and a working weekend"),
        (FAKE_2027.replace("- 2027-02-08", "- 2027-02-30"), "is not a date"),
        (FAKE_2027.replace("to: 2027-01-03", "to: 2026-12-03"), "ends (2026-12-03) before it starts"),
        (FAKE_2027.replace("- 2027-02-08", "- 2029-02-08"), "too far from 2027"),
        (FAKE_2027.replace("published: 2026-11-01", "published: soon"), "published"),
    ],
)
def test_invalid_schedule_file_is_refused_with_a_clear_error(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(HolidayScheduleError) as err:
        WorkingCalendar(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_missing_schedule_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(HolidayScheduleError, match="cannot read holiday schedule file"):
        WorkingCalendar(missing)


def test_default_calendar_is_cached_until_reload():
    first = get_calendar()
    assert get_calendar() is first
    assert workdays.reload_calendar() is not first
