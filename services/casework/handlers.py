"""Bus consumers of the casework service: each calls service code inside the inbox transaction.

Leads come from inspection results with problems found and from credit risk alerts. For the
first-offence check the service keeps its own read model of penalty decisions per USCC: its own
decisions are written there as they are issued, and penalties that other departments record in
credit (sup.credit.record.added, kind penalty) are added from the bus, so a party fined by
another department is not a first offender here either. Our own decisions coming back from
credit are recognised by their decision number.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.calendar.service import recompute_provisional_deadlines
from services.casework.cases.repository import CaseRepository
from services.casework.cases.service import new_lead, today
from services.casework.decisions.service import (
    note_penalty_elsewhere,
    note_penalty_withdrawn,
)
from services.casework.models import catalogue
from services.casework.settings import CaseworkSettings
from services.casework.steps.service import flag_clocks
from shared.app import BackgroundJob
from shared.bus.consumer import Subscription
from shared.bus.envelope import Event
from shared.contracts.credit import CreditRecordAdded, RecordWithdrawn, RiskAlerted
from shared.contracts.inspection import ResultRecorded
from shared.deadline_jobs import recompute_deadlines_job

log = logging.getLogger(__name__)
PENALTY_RECORD = "penalty"


async def on_inspection_result(session: AsyncSession, event: Event) -> None:
    result = event.payload()
    assert isinstance(result, ResultRecorded)
    if result.outcome != "problems_found":
        return
    await new_lead(
        CaseRepository(session), None, department=result.department, matter_code=result.matter_code,
        source_kind="inspection_result", source_ref=result.result_id, uscc=result.uscc,
        party_name=result.subject_name, summary=result.problems or "inspection found problems",
        received_on=result.inspected_on, hashes=list(result.evidence_hashes),
        details={"plan_id": result.plan_id, "task_kind": result.task_kind, "item_codes": result.item_codes},
    )


def on_risk_alert(department: str):
    async def handle(session: AsyncSession, event: Event) -> None:
        alert = event.payload()
        assert isinstance(alert, RiskAlerted)
        await new_lead(
            CaseRepository(session), None, department=department, matter_code=None, source_kind="risk_alert",
            source_ref=alert.alert_id, uscc=alert.uscc, party_name=alert.subject_name,
            summary=f"risk alert {alert.level} (score {alert.score}): " + "; ".join(alert.reasons),
            received_on=alert.as_of, details={"model_version": alert.model_version, "level": alert.level},
        )

    return handle


async def on_credit_record(session: AsyncSession, event: Event) -> None:
    record = event.payload()
    assert isinstance(record, CreditRecordAdded)
    if record.kind != PENALTY_RECORD:
        return
    await note_penalty_elsewhere(session, uscc=record.uscc, decision_ref=record.source_ref or record.record_id,
                                 department=record.department, decided_on=record.decision_date)


async def on_credit_record_withdrawn(session: AsyncSession, event: Event) -> None:
    withdrawn = event.payload()
    assert isinstance(withdrawn, RecordWithdrawn)
    if withdrawn.kind != PENALTY_RECORD:
        return
    await note_penalty_withdrawn(session, uscc=withdrawn.uscc, decision_ref=withdrawn.source_ref or withdrawn.record_id,
                                 department="", withdrawn_on=withdrawn.withdrawn_on)


def subscriptions(settings: CaseworkSettings | None = None) -> list[Subscription]:
    settings = settings or CaseworkSettings()
    return [
        Subscription(durable="casework-inspection-leads", producer="inspection",
                     subjects=[ResultRecorded.event_type], handler=on_inspection_result),
        Subscription(durable="casework-credit", producer="credit",
                     subjects=[RiskAlerted.event_type, CreditRecordAdded.event_type, RecordWithdrawn.event_type],
                     handler=_by_type({RiskAlerted.event_type: on_risk_alert(settings.risk_alert_department),
                                       CreditRecordAdded.event_type: on_credit_record,
                                       RecordWithdrawn.event_type: on_credit_record_withdrawn})),
        catalogue.subscription("casework"),
    ]


def _by_type(handlers: dict):
    async def dispatch(session: AsyncSession, event: Event) -> None:
        await handlers[event.type](session, event)

    return dispatch


async def flag_clocks_job(app: FastAPI) -> None:
    """Every few seconds: flag clocks that became due soon or overdue (each change once)."""
    settings: CaseworkSettings = app.state.settings
    while True:
        try:
            async with app.state.db.sessionmaker() as session:
                n = await flag_clocks(session, as_of=today(), soon_days=settings.clock_soon_days)
                await session.commit()
            if n:
                log.info("flagged %d case clocks", n)
        except asyncio.CancelledError:
            raise
        except Exception:  # database down: try again next round
            log.exception("clock scan failed")
        await asyncio.sleep(settings.clock_scan_seconds)


def background_jobs() -> list[BackgroundJob]:
    return [flag_clocks_job, recompute_deadlines_job(recompute_provisional_deadlines)]
