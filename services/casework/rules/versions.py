"""Picking the version of a configured figure that was in force on a date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, TypeVar


class Versioned(Protocol):
    version: str
    effective: date


V = TypeVar("V", bound=Versioned)


def pick_version(
    table: Sequence[V], as_of: date | None = None, version: str | None = None
) -> V:
    """The entry named ``version``; else the latest in force on ``as_of``; else the latest."""
    if version is not None:
        for entry in table:
            if entry.version == version:
                return entry
        raise KeyError(
            f"unknown version {version!r}; known: {[e.version for e in table]}"
        )
    ordered = sorted(table, key=lambda e: e.effective)
    if as_of is None:
        return ordered[-1]
    in_force = [e for e in ordered if e.effective <= as_of]
    if not in_force:
        raise LookupError(
            f"no version in force on {as_of}; first takes effect {ordered[0].effective}"
        )
    return in_force[-1]
