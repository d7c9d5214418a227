"""The background job that recomputes a service's provisional working-day deadlines when the
holiday schedule changes (an operator added next year's State Council notice to the file).

Every service that stores provisional deadlines registers one: it asks its own
`CalendarWatch` every `calendar_check_seconds` (a service setting; 300 s by default) and, when
the schedule in force changed, runs the service's recompute use case in one transaction. It
also runs once at start-up, since the file may have changed while the service was down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from shared.app import BackgroundJob
from shared.workdays import CalendarWatch

log = logging.getLogger("shared.deadline_jobs")

# How often the schedule file is checked when the service settings do not say.
CALENDAR_CHECK_SECONDS = 300.0

Recompute = Callable[[AsyncSession], Awaitable[int]]
# Rows read per batch while recomputing: a pass never holds more than this many in memory.
BATCH = 500


class HasId(Protocol):
    id: str


Row = TypeVar("Row", bound=HasId)


async def recompute_in_batches(
    session: AsyncSession,
    provisional: Callable[..., Awaitable[Sequence[Row]]],
    refresh: Callable[[Row], Awaitable[bool]],
) -> int:
    """The shape every service's recompute shares: page through the rows still holding a
    provisional deadline (`provisional(after_id=..., limit=...)`, ordered by id), let `refresh`
    apply the rule again to each (True when it changed anything), flush each batch; the number
    of rows changed."""
    changed, after = 0, ""
    while rows := await provisional(after_id=after, limit=BATCH):
        for row in rows:
            changed += bool(await refresh(row))
        after = rows[-1].id
        await session.flush()
    return changed


def recompute_deadlines_job(recompute: Recompute) -> BackgroundJob:
    """A background job running `recompute(session) -> rows changed` whenever the schedule changed."""

    async def recompute_provisional_deadlines(app: FastAPI) -> None:
        watch = CalendarWatch()
        every = float(getattr(app.state.settings, "calendar_check_seconds", CALENDAR_CHECK_SECONDS))
        # A request that read the old calendar just before the reload may commit its provisional
        # deadline after our pass: one more pass at the next check picks such rows up.
        again = False
        while True:
            try:
                changed = watch.changed()
                if changed or again:
                    async with app.state.db.sessionmaker() as session:
                        n = await recompute(session)
                        await session.commit()
                    if n:
                        log.info("recomputed %d provisional deadlines with the new holiday schedule", n)
                again = changed
            except asyncio.CancelledError:
                raise
            except Exception:  # database or schedule file unavailable: try again next round
                log.exception("recomputing provisional deadlines failed")
                again = True
            await asyncio.sleep(every)

    return recompute_provisional_deadlines
