"""Inspection results: recorded by the assigned inspectors with evidence hashes, published by
the item's department within the statutory deadline."""

from __future__ import annotations

from datetime import date

from services.inspection.directory.repository import DirectoryRepository
from services.inspection.directory.service import (
    SETUP_ROLES,
    acting_department,
    now,
    reading_department,
    today,
)
from services.inspection.history.service import history_entry
from services.inspection.models import Result
from services.inspection.results.repository import ResultsRepository
from services.inspection.results.schemas import ResultIn
from services.inspection.rules import results as rules_results
from services.inspection.rules.results import (
    OUTCOMES_WITH_PROBLEMS,
    publication_deadline,
)
from services.inspection.tasks.repository import TasksRepository
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.contracts.inspection import ResultRecorded
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.ids import new_id


def is_overdue(result: Result, on: date | None = None) -> bool:
    return rules_results.is_overdue(result.publication_due, result.published_on, on or today())


async def record_result(results: ResultsRepository, tasks: TasksRepository, lists: DirectoryRepository,
                        principal: Principal, body: ResultIn) -> Result:
    acting_department(principal, "inspector")
    task = await tasks.task(body.task_id, for_update=True)
    if task is None:
        raise NotFound(f"no inspection task {body.task_id}")
    inspector = await lists.inspector_by_client(principal.client_id or "")
    # Only the inspectors assigned to this object record its results.
    if inspector is None or inspector.id not in (task.inspector_ids or []):
        raise Forbidden("only an inspector assigned to this task records its results",
                        assigned_inspectors=len(task.inspector_ids or []))
    if body.item_id not in task.item_ids:
        raise Unprocessable.field("body.item_id", "result.item.not_in_task", "this item is not part of the task")
    if body.inspected_on > today():
        raise Unprocessable.field("body.inspected_on", "result.date.future", "an inspection cannot be dated in the future")
    if body.inspected_on < task.created_at.date():
        raise Unprocessable.field("body.inspected_on", "result.date.before_task", "the inspection predates its task")
    if body.outcome in OUTCOMES_WITH_PROBLEMS and not (body.problems or "").strip():
        raise Unprocessable.field("body.problems", "result.problems.required", f"say what was found for {body.outcome}")
    if await results.result_for(task.id, body.item_id) is not None:
        raise Conflict("a result for this item at this object is recorded already")
    item = await lists.item(body.item_id)
    obj = await lists.object(task.uscc)
    due = publication_deadline(body.inspected_on)
    result = Result(
        id=new_id(), task_id=task.id, plan_id=task.plan_id, uscc=task.uscc, item_id=item.id, item_code=item.code,
        department=item.department, outcome=body.outcome, problems=body.problems or "",
        inspected_on=body.inspected_on, evidence=[e.model_dump() for e in body.evidence], recorded_by=inspector.id,
        publication_due=due.due, publication_due_provisional=due.provisional, calendar_version=due.calendar_version,
        published_on=None, created_at=now(),
    )
    await results.add(result)
    await lists.set_last_inspectors(task.uscc, list(task.inspector_ids))
    await results.add(history_entry("result_recorded", uscc=task.uscc, plan_id=task.plan_id,
                                    actor=principal.client_id, result_id=result.id, item_code=item.code,
                                    outcome=result.outcome, publication_due=due.due.isoformat()))
    await add_event(results.session, ResultRecorded(
        result_id=result.id, plan_id=task.plan_id, task_kind=task.kind, uscc=task.uscc,
        subject_name=obj.name if obj else "", department=item.department, matter_code=item.matter_code,
        item_codes=[item.code], outcome=result.outcome, problems=result.problems,
        inspected_on=result.inspected_on, publication_due=due.due,
        evidence_hashes=[e["sha256"] for e in result.evidence],
    ), subject=task.uscc)
    return result


async def publish_result(results: ResultsRepository, principal: Principal, result_id: str) -> Result:
    dept = acting_department(principal, *SETUP_ROLES)
    result = await results.result(result_id, for_update=True)
    if result is None:
        raise NotFound(f"no inspection result {result_id}")
    if result.department != dept:
        raise Forbidden(f"result {result_id} is published by {result.department}")
    if result.published_on is not None:
        raise Conflict(f"published on {result.published_on.isoformat()} already", current_state="published")
    result.published_on = today()
    await results.add(history_entry("published", uscc=result.uscc, plan_id=result.plan_id,
                                    actor=principal.client_id, result_id=result.id,
                                    on_time=result.published_on <= result.publication_due))
    return result


async def get_result(results: ResultsRepository, principal: Principal, result_id: str) -> Result:
    reading_department(principal)
    result = await results.result(result_id)
    if result is None:
        raise NotFound(f"no inspection result {result_id}")
    return result


async def list_results(results: ResultsRepository, *, department: str | None, uscc: str | None,
                       plan_id: str | None, overdue: bool, after: str | None, limit: int) -> list[Result]:
    """Results, only those past their publication deadline when `overdue` (limit + 1 rows)."""
    return await results.list_results(department=department, uscc=uscc, plan_id=plan_id,
                                      overdue_on=today() if overdue else None, after=after, limit=limit)
