"""HTTP routes of the casework service (HTTP only: parse, call service.py, commit, shape the answer)."""

from __future__ import annotations

from fastapi import APIRouter

TAGS: list[dict[str, str]] = []


def routers() -> list[APIRouter]:
    return []
