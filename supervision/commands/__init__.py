"""What the command modules share: the one-line error and where a service's database is.

A command calls `fail()` for a failure the operator can act on: one line, `error: <what
happened>; <what to do>`, and exit code 2. `supervision.cli` prints every other failure as one
line too, without a traceback (SUP_DEBUG=1 shows it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import typer


def fail(message: str, exit_code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(exit_code)


def data_dir_option() -> Path:
    return typer.Option(Path(".data"), "--data-dir", envvar="SUP_DATA_DIR",
                        help="the platform's data folder, as for `supervision up`; its db/<service>.db is used "
                             "unless <SERVICE>_DATABASE_URL is set (e.g. CREDIT_DATABASE_URL for PostgreSQL)")


def existing_database(service: str, data_dir: Path) -> str:
    """The service's database: `<SERVICE>_DATABASE_URL` when set, else the SQLite file the embedded
    run keeps in the data folder. A SQLite file that is not there is refused (it would be created
    empty and fail on its first table)."""
    var = f"{service.upper()}_DATABASE_URL"
    url = os.environ.get(var) or f"sqlite+aiosqlite:///{(Path(data_dir) / 'db' / f'{service}.db').resolve()}"
    if url.startswith("sqlite") and ":///" in url:
        path = Path(url.split(":///", 1)[1].split("?", 1)[0])
        if not path.is_file():
            fail(f"no {service} database at {path}; run from the folder that holds the platform's "
                           f"data folder, pass --data-dir DIR, or set {var} (`supervision up` or "
                           f"`supervision migrate {service}` creates it)")
    return url
