"""Bus consumers of the credit service: each calls a sub-domain's use case inside the inbox transaction.

Background jobs: the commitment sweep (licences revoked after a missed rectification deadline)
and the list sweep (abnormal list -> serious dishonesty list after 3 years; serious list exits
after 3 years), each looping on a fixed interval.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.calendar.service import recompute_provisional_deadlines
from services.credit.commitments import service as commitments
from services.credit.grading.service import regrade_all
from services.credit.lists import service as lists
from services.credit.models import catalogue
from services.credit.records import from_events
from shared.app import BackgroundJob
from shared.bus.consumer import Subscription
from shared.bus.envelope import Event
from shared.clock import SHANGHAI
from shared.contracts.casework import DecisionIssued, DecisionRevoked
from shared.contracts.inspection import ResultRecorded
from shared.deadline_jobs import recompute_deadlines_job

log = logging.getLogger("services.credit.handlers")
SWEEP_SECONDS = 3600.0


async def on_decision(session: AsyncSession, event: Event) -> None:
    payload = event.payload()
    if isinstance(payload, DecisionIssued):
        await from_events.record_decision(session, payload)
    elif isinstance(payload, DecisionRevoked):
        await from_events.revoke_decision(session, payload)


async def on_inspection_result(session: AsyncSession, event: Event) -> None:
    payload = event.payload()
    assert isinstance(payload, ResultRecorded)
    await from_events.record_inspection(session, payload)


def subscriptions() -> list[Subscription]:
    return [
        Subscription(durable="credit-decisions", producer="casework",
                     subjects=[DecisionIssued.event_type, DecisionRevoked.event_type], handler=on_decision),
        Subscription(durable="credit-inspection-results", producer="inspection",
                     subjects=[ResultRecorded.event_type], handler=on_inspection_result),
        catalogue.subscription("credit"),
    ]


async def _every(app: FastAPI, name: str, step) -> None:
    while True:
        try:
            async with app.state.db.sessionmaker() as session:
                await step(session)
                await session.commit()
        except asyncio.CancelledError:
            raise
        except Exception:  # a failed pass is retried at the next interval
            log.exception("%s failed", name)
        await asyncio.sleep(getattr(app.state.settings, "sweep_seconds", SWEEP_SECONDS))


async def commitment_sweep(app: FastAPI) -> None:
    await _every(app, "commitment sweep", commitments.sweep)


async def list_sweep(app: FastAPI) -> None:
    await _every(app, "list sweep", lists.sweep_lists)


async def nightly_regrade(app: FastAPI) -> None:
    """Regrade every subject once a night: weights change as records age, not only on events."""
    hour = getattr(app.state.settings, "nightly_regrade_hour", 2)
    while True:
        now = datetime.now(SHANGHAI)
        run_at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
        if run_at <= now:
            run_at += timedelta(days=1)
        await asyncio.sleep((run_at - now).total_seconds())
        try:
            totals = await regrade_all(app.state.db.sessionmaker)
            log.info("nightly regrade: %d subjects, %d grades changed", totals.subjects, totals.changed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("nightly regrade failed")


def background_jobs() -> list[BackgroundJob]:
    return [commitment_sweep, list_sweep, nightly_regrade, recompute_deadlines_job(recompute_provisional_deadlines)]
