"""A holiday schedule file the tests control: 2027 unknown at first, then its notice "published"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shared.workdays import SCHEDULE_FILE_ENV, refresh_calendar, reload_calendar

NO_2027 = "format: 1\nyears: {}\n"
# Made up for the tests (the official 2027 notice is not out): New Year off from Friday 1 to
# Tuesday 5 January 2027, no working weekend.
NOTICE_2027 = """\
format: 1
years:
  2027:
    source: "test fixture, not an official notice"
    published: 2026-11-01
    holidays:
      - {from: 2027-01-01, to: 2027-01-05}
    working_weekends: []
"""


class Schedule:
    def __init__(self, path: Path) -> None:
        self.path = path

    def publish_2027(self, *, reload: bool = True) -> None:
        """The operator adds the 2027 notice to the file in use; `reload`: look at it now, as the
        services' jobs do at their next check (False: leave noticing it to a running job)."""
        before = self.path.stat().st_mtime_ns
        self.path.write_text(NOTICE_2027, encoding="utf-8")
        os.utime(self.path, ns=(before + 10**9, before + 10**9))  # saved later, whatever the clock resolution
        if reload:
            assert refresh_calendar().year_is_known(2027)


@pytest.fixture
def schedule(tmp_path, monkeypatch):
    """The process-wide calendar on a file without 2027, whatever the packaged file says; restored after."""
    path = tmp_path / "holiday_schedules.yaml"
    path.write_text(NO_2027, encoding="utf-8")
    monkeypatch.setenv(SCHEDULE_FILE_ENV, str(path))
    assert not reload_calendar().year_is_known(2027)
    yield Schedule(path)
    monkeypatch.delenv(SCHEDULE_FILE_ENV, raising=False)
    reload_calendar()
