"""The `supervision` command: one entry point for operators, built from small command modules.

Each `supervision/commands/*.py` module exposes `register(app: typer.Typer)`; add the module
name to COMMAND_MODULES to make its commands appear.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer


def one_line(exc: BaseException) -> str:
    """What went wrong and what to do, on one line, for the failures an operator meets."""
    from httpx import HTTPError, RequestError
    from sqlalchemy.exc import DBAPIError

    text = " ".join(str(exc).split())[:400]
    if isinstance(exc, RequestError):
        return (f"cannot reach {exc.request.url}: {text or type(exc).__name__}; is the platform running "
                "(`supervision up`)? check --base-url")
    if isinstance(exc, HTTPError):
        return f"{text}; check --base-url"
    if isinstance(exc, DBAPIError):
        reason = " ".join(str(exc.orig).split())[:300]
        return (f"the database refused: {reason}; check the service's <SERVICE>_DATABASE_URL (or --data-dir) "
                "and that the database is up and migrated (`supervision migrate`)")
    if isinstance(exc, ConnectionError):
        return (f"cannot connect ({text}); is that server running? check the URL setting it comes from "
                "(<SERVICE>_DATABASE_URL, --base-url, --nats-url)")
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or text}{where}; check the path or address and its permissions"
    return f"{type(exc).__name__}: {text} (unexpected; SUP_DEBUG=1 shows where, please report it)"


class SupervisionCLI(typer.Typer):
    """Every failure ends as one line on stderr, `error: ...`, never a traceback (unless SUP_DEBUG=1)."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except KeyboardInterrupt:
            typer.echo("error: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:
            if os.environ.get("SUP_DEBUG") == "1":
                raise
            typer.echo(f"error: {one_line(exc)}", err=True)
            sys.exit(1)


app = SupervisionCLI(
    help="In-process and post-event supervision platform: run, seed, verify, operate.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

COMMAND_MODULES = [
    "seed",
    "verify_draw",
    "verify_log",
    "migrate",
    "up",
    "credentials",
    "subjects",
    "credit",
    "dlq",
    "bus",
    "log_keys",
]

for _name in COMMAND_MODULES:
    importlib.import_module(f"supervision.commands.{_name}").register(app)
