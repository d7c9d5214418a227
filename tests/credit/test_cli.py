"""`supervision subjects import` and `supervision credit regrade`, run as an operator would."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.credit_data import uscc_for, write_subjects_csv
from services.credit.models import Subject, bus_tables
from shared.db import make_engine

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]


def supervision(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CREDIT_DATABASE_URL": url, "COLUMNS": "120"}
    return subprocess.run([str(Path(sys.executable).parent / "supervision"), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


async def _counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            subjects = (await conn.execute(select(func.count()).select_from(Subject))).scalar_one()
            t = bus_tables.outbox
            registered = (await conn.execute(select(func.count()).select_from(t).where(
                t.c.event_type == "sup.credit.subject.registered"))).scalar_one()
            changed = (await conn.execute(select(func.count()).select_from(t).where(
                t.c.event_type == "sup.credit.grade.changed"))).scalar_one()
            return subjects, registered, changed
    finally:
        await engine.dispose()


async def test_import_2000_rows_reports_bad_rows_then_regrade(databases, tmp_path):
    url = await databases.fresh("credit")
    bad = [7, 480, 1001, 1502, 1999]
    path = write_subjects_csv(tmp_path / "subjects.csv", 2000, bad_rows=bad)
    done = await asyncio.to_thread(supervision, "subjects", "import", str(path), "--batch-size", "500",
                                   "--errors", str(tmp_path / "errors.csv"), url=url)
    assert done.returncode == 0, done.stderr
    assert "loaded=1995 rejected=5 rows=2000" in done.stdout
    assert "importing" in done.stderr and "rejected rows" in done.stderr  # the progress bar and the report
    errors = (tmp_path / "errors.csv").read_text().splitlines()[1:]
    assert [int(line.split(",")[0]) for line in errors] == bad
    assert {line.split(",")[2] for line in errors} == {"uscc.check_character", "enum", "ric.invalid",
                                                       "missing", "date_from_datetime_parsing"}
    assert await _counts(url) == (1995, 1995, 0)

    # Importing the same file again loads nothing twice.
    again = await asyncio.to_thread(supervision, "subjects", "import", str(path), url=url)
    assert "loaded=0 rejected=2000" in again.stdout

    regrade = await asyncio.to_thread(supervision, "credit", "regrade", "--batch-size", "700", url=url)
    assert regrade.returncode == 0, regrade.stderr
    assert "regraded=1995 changed=0" in regrade.stdout
    assert uscc_for(0) in str(path.read_text()[:200])


async def test_import_refuses_a_file_with_a_wrong_header(databases, tmp_path):
    url = await databases.fresh("credit")
    path = tmp_path / "wrong.csv"
    path.write_text("uscc,nom\n91310000MA1FL8TQ10,x\n")
    done = await asyncio.to_thread(supervision, "subjects", "import", str(path), url=url)
    assert done.returncode == 2 and "missing columns" in done.stderr
