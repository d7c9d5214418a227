"""Bus consumers of the inspection service: each calls the sub-domains' services inside the inbox transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.calendar.service import recompute_provisional_deadlines
from services.inspection.directory import service as directory
from services.inspection.directory.repository import DirectoryRepository
from services.inspection.models import catalogue
from services.inspection.settings import InspectionSettings
from services.inspection.tasks import service as tasks
from services.inspection.tasks.repository import TasksRepository
from shared.app import BackgroundJob
from shared.bus.consumer import Subscription
from shared.bus.envelope import Event
from shared.contracts.credit import (
    GradeChanged,
    ListEntered,
    ListExited,
    RiskAlerted,
    SubjectDeregistered,
    SubjectRegistered,
    SubjectUpdated,
)
from shared.deadline_jobs import recompute_deadlines_job

OBJECT_EVENTS = [SubjectRegistered, SubjectUpdated, SubjectDeregistered, GradeChanged, ListEntered, ListExited]


async def on_credit_object_event(session: AsyncSession, event: Event) -> None:
    """Keeps the inspection object database (read model) in step with credit."""
    payload = event.payload()
    repo = DirectoryRepository(session)
    if isinstance(payload, SubjectRegistered):  # SubjectUpdated is a subclass
        obj = await directory.apply_subject(repo, payload, event.time)
        await tasks.complete_alert_tasks(TasksRepository(session), repo, obj)
    elif isinstance(payload, SubjectDeregistered):
        await directory.apply_deregistration(repo, payload)
    elif isinstance(payload, GradeChanged):
        await directory.apply_grade(repo, payload, event.time)
    elif isinstance(payload, ListEntered):
        await directory.apply_list_entry(repo, payload)
    elif isinstance(payload, ListExited):
        await directory.apply_list_exit(repo, payload)


async def on_risk_alert(session: AsyncSession, event: Event) -> None:
    """A risk alert records the risk level and opens a key inspection task with its reason."""
    payload = event.payload()
    assert isinstance(payload, RiskAlerted)
    lists = DirectoryRepository(session)
    obj = await directory.apply_risk(lists, payload, event.time)
    await tasks.key_inspection_from_alert(TasksRepository(session), lists, payload, obj,
                                          InspectionSettings().risk_alert_department)


def subscriptions() -> list[Subscription]:
    return [
        Subscription(durable="inspection-objects", producer="credit",
                     subjects=[m.event_type for m in OBJECT_EVENTS], handler=on_credit_object_event),
        Subscription(durable="inspection-risk-alerts", producer="credit",
                     subjects=[RiskAlerted.event_type], handler=on_risk_alert),
        catalogue.subscription("inspection"),
    ]


def background_jobs() -> list[BackgroundJob]:
    return [recompute_deadlines_job(recompute_provisional_deadlines)]
