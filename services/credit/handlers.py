"""Bus consumers of the credit service: each calls service.py inside the inbox transaction."""

from __future__ import annotations

from shared.app import BackgroundJob
from shared.bus.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return []


def background_jobs() -> list[BackgroundJob]:
    return []
