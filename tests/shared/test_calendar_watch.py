"""Running services notice a new holiday schedule: the calendar reloads when its file changes, and
every consumer's watch reports the change once."""

from __future__ import annotations

import logging
import os
from datetime import date

import pytest

from shared import workdays
from shared.workdays import (
    SCHEDULE_FILE_ENV,
    CalendarWatch,
    get_calendar,
    refresh_calendar,
    reload_calendar,
)
from tests.shared.test_workdays import EMPTY_SCHEDULE, FAKE_2027


@pytest.fixture
def schedule(tmp_path, monkeypatch):
    """The process-wide calendar on a temporary schedule file (empty: 2027 unknown); restored after."""
    path = tmp_path / "schedule.yaml"
    path.write_text(EMPTY_SCHEDULE, encoding="utf-8")
    monkeypatch.setenv(SCHEDULE_FILE_ENV, str(path))
    reload_calendar()
    yield path
    monkeypatch.delenv(SCHEDULE_FILE_ENV, raising=False)
    reload_calendar()


def rewrite(path, text: str) -> None:
    """Write and give the file a new mtime, as an editor saving minutes later would."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_unchanged_file_keeps_the_loaded_calendar(schedule):
    cal = get_calendar()
    assert refresh_calendar() is cal
    assert refresh_calendar() is cal


def test_changed_file_is_reloaded_and_moves_deadlines(schedule):
    before = workdays.working_deadline(date(2026, 12, 15), 20)
    assert before.provisional and before.due == date(2027, 1, 12)
    rewrite(schedule, FAKE_2027)
    cal = refresh_calendar()
    assert get_calendar() is cal and cal.year_is_known(2027)
    after = workdays.working_deadline(date(2026, 12, 15), 20)
    assert after.due == date(2027, 1, 13) and not after.provisional


def test_each_watch_hears_of_a_change_once(schedule):
    casework, credit = CalendarWatch(), CalendarWatch()
    # First look: nothing seen yet, so the start-up pass runs.
    assert casework.changed() and credit.changed()
    assert not casework.changed() and not credit.changed()
    rewrite(schedule, FAKE_2027)
    assert casework.changed()  # it reloads the shared calendar ...
    assert credit.changed()  # ... and the other service still hears of it
    assert not casework.changed() and not credit.changed()


def test_touching_the_file_without_changing_it_is_no_change(schedule):
    watch = CalendarWatch()
    watch.changed()
    loaded = get_calendar()
    rewrite(schedule, EMPTY_SCHEDULE)
    assert not watch.changed()
    assert get_calendar().schedule_version == loaded.schedule_version


def test_pointing_the_environment_at_another_file_is_a_change(schedule, tmp_path, monkeypatch):
    watch = CalendarWatch()
    watch.changed()
    other = tmp_path / "other.yaml"
    other.write_text(FAKE_2027, encoding="utf-8")
    monkeypatch.setenv(SCHEDULE_FILE_ENV, str(other))
    assert watch.changed() and get_calendar().schedule_file == other


def test_a_broken_edit_keeps_the_last_good_schedule_and_is_logged_once(schedule, caplog):
    watch = CalendarWatch()
    watch.changed()
    good = get_calendar()
    rewrite(schedule, FAKE_2027.replace("- 2027-02-08", "- 2027-02-30"))
    with caplog.at_level(logging.ERROR, logger="shared.workdays"):
        assert not watch.changed()
        assert not watch.changed()
    assert get_calendar() is good
    assert len([r for r in caplog.records if "not reloaded" in r.message]) == 1
    assert "2027-02-30" in caplog.records[0].message
    rewrite(schedule, FAKE_2027)  # fixed: picked up at the next look
    assert watch.changed() and get_calendar().year_is_known(2027)


def test_a_removed_file_keeps_the_last_good_schedule(schedule):
    watch = CalendarWatch()
    watch.changed()
    good = get_calendar()
    schedule.unlink()
    assert not watch.changed() and get_calendar() is good
