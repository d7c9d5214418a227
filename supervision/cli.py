"""The `supervision` command: one entry point for operators, built from small command modules.

Each `supervision/commands/*.py` module exposes `register(app: typer.Typer)`; add the module
name to COMMAND_MODULES to make its commands appear.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
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
]

for _name in COMMAND_MODULES:
    importlib.import_module(f"supervision.commands.{_name}").register(app)
