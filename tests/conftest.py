"""Fixtures shared by the whole suite. Database tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import DatabaseFactory, NatsServer, pg_available, tmpdir

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_PG_OK = pg_available()


def pytest_report_header(config: pytest.Config) -> str:
    if _PG_OK:
        return "database tests: SQLite and PostgreSQL (127.0.0.1:5432)"
    if IN_CI:
        return "database tests: PostgreSQL NOT reachable and CI=true: PostgreSQL tests will FAIL"
    return "database tests: PostgreSQL not reachable: the PostgreSQL half is SKIPPED (set it up to run both)"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def _workdir():
    d = tmpdir()
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request) -> str:
    if request.param == "postgresql" and not _PG_OK:
        if IN_CI:
            pytest.fail("CI=true but PostgreSQL is not reachable on 127.0.0.1:5432")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432: PostgreSQL half skipped")
    return request.param


@pytest.fixture(scope="session")
def databases(backend, _workdir):
    factory = DatabaseFactory(backend, _workdir / backend)
    factory.workdir.mkdir(parents=True, exist_ok=True)
    yield factory
    factory.drop_all_in_background()


@pytest.fixture
def nats_server(tmp_path):
    server = NatsServer(tmp_path / "nats")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def authority(_workdir):
    from tests.auth_support import Authority

    return Authority(_workdir / "authority")
