"""Synthetic credit registry data for benchmarks and the import tests: valid USCCs and ID numbers."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from pathlib import Path

from stdnum.cn import ric

from shared.identifiers import uscc_check_character

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
COLUMNS = ("uscc", "name", "subject_type", "legal_rep_name", "legal_rep_id", "registered_address", "district",
           "industry_code", "registered_on", "status")
DISTRICTS = ("310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112", "310113", "310114",
             "310115", "310116", "310117", "310118", "310120", "310151")
INDUSTRIES = ("F5191", "F5211", "C1310", "C1469", "I6510", "M7320", "E4710", "H6210", "G5430", "L7212", "C2710",
              "Q8311")
TYPES = ("enterprise",) * 8 + ("individual_business",) * 3 + ("social_organisation",)


def uscc_for(n: int, region: str = "310000") -> str:
    """The n-th synthetic USCC (distinct for distinct n below 31**9)."""
    org = ""
    for _ in range(9):
        n, r = divmod(n, 31)
        org = ALPHABET[r] + org
    first17 = "91" + region + org
    return first17 + uscc_check_character(first17)


def id_number_for(n: int) -> str:
    first17 = f"11010519{60 + n % 40:02d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def subject_rows(n: int, start: int = 0, seed: int = 20200101) -> Iterable[tuple[str, ...]]:
    rnd = random.Random(seed)
    for i in range(start, start + n):
        yield (uscc_for(i), f"上海样例{i}号有限公司", rnd.choice(TYPES), "王五", id_number_for(i),
               f"上海市某区某路{i % 2000}号", rnd.choice(DISTRICTS), rnd.choice(INDUSTRIES),
               f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}", "active")


def spoil(row: tuple[str, ...], how: int) -> tuple[str, ...]:
    """A row made invalid in one of five ways (check character, type, ID number, missing name, date)."""
    r = list(row)
    if how == 0:
        r[0] = r[0][:17] + ("0" if r[0][17] != "0" else "1")
    elif how == 1:
        r[2] = "company"
    elif how == 2:
        r[4] = r[4][:17] + ("0" if r[4][17] != "0" else "1")
    elif how == 3:
        r[1] = ""
    else:
        r[8] = "2019-02-30"
    return tuple(r)


def write_subjects_csv(path: Path, n: int, *, bad_rows: Iterable[int] = (), start: int = 0) -> Path:
    """A CSV of n subjects; the 1-based data rows in `bad_rows` are spoiled (one way each, in turn)."""
    bad = {row: k for k, row in enumerate(sorted(bad_rows))}
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i, row in enumerate(subject_rows(n, start), start=1):
            w.writerow(spoil(row, bad[i] % 5) if i in bad else row)
    return path


# --- databases for the credit benchmarks ------------------------------------------------------


class BenchDatabase:
    """A migrated credit database for one benchmark run: a temporary SQLite file by default, or the
    PostgreSQL database named by the URL (created if missing, dropped afterwards unless kept)."""

    def __init__(self, url: str | None, keep: bool = False) -> None:
        import tempfile

        self._tmp = None
        if url is None:
            self._tmp = tempfile.mkdtemp(prefix="credit-bench-")
            url = f"sqlite+aiosqlite:///{self._tmp}/credit.db"
        self.url = url
        self.keep = keep
        self.created = False

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    def _admin(self) -> tuple[str, str]:
        from sqlalchemy.engine import make_url

        u = make_url(self.url)
        admin = u.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        return admin, u.database

    async def __aenter__(self) -> BenchDatabase:
        from shared.migrate import upgrade_to_head

        if self.is_postgres:
            import asyncpg

            admin, name = self._admin()
            conn = await asyncpg.connect(admin)
            try:
                if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                    await conn.execute(f'CREATE DATABASE "{name}"')
                    self.created = True
            finally:
                await conn.close()
        upgrade_to_head("credit", self.url)
        return self

    async def __aexit__(self, *exc) -> None:
        import shutil

        if self.keep:
            return
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
        elif self.created:
            import asyncpg

            admin, name = self._admin()
            conn = await asyncpg.connect(admin)
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await conn.close()

    def database(self):
        from services.credit.models import bus_tables
        from shared.db import Database

        return Database(self.url, service="credit", outbox_table=bus_tables.outbox, inbox_table=bus_tables.inbox)


async def load_subjects(db, n: int, batch_size: int = 20_000) -> None:
    """n synthetic subjects through the import service (benchmark set-up, not measured)."""
    from services.credit.subjects.bulk_import import import_batch
    from shared.clock import shanghai_today

    today = shanghai_today()
    for start in range(0, n, batch_size):
        rows = [dict(zip(COLUMNS, r)) for r in subject_rows(min(batch_size, n - start), start)]
        async with db.sessionmaker() as session:
            await import_batch(session, rows, start + 1, today)
            await session.commit()


def fmt_rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds else "n/a"
