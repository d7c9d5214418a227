"""Tasks (drawn or key), key inspections, results with evidence, publication and history."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from services.inspection.models import InspectionItem, InspectionObject, Result, Task
from services.inspection.repository_lists import ListsRepository
from services.inspection.repository_plans import PlansRepository
from services.inspection.rules import results as rules_results
from services.inspection.rules.assignment import assign_inspectors
from services.inspection.rules.draw import Subject
from services.inspection.rules.results import (
    OUTCOMES_WITH_PROBLEMS,
    publication_deadline,
)
from services.inspection.service_common import (
    SETUP_ROLES,
    acting_department,
    history_entry,
    now,
    reading_department,
    today,
)
from services.inspection.service_plans import inspector_rule
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.contracts.credit import RiskAlerted
from shared.contracts.inspection import ResultRecorded
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.ids import new_id


def is_overdue(result: Result, on: date | None = None) -> bool:
    return rules_results.is_overdue(result.publication_due, result.published_on, on or today())


# ---------------------------------------------------------------------- key inspections


def _applies(item: InspectionItem, obj: InspectionObject) -> bool:
    types_ok = not item.subject_types or obj.subject_type in item.subject_types
    return types_ok and (not item.industries or any(obj.industry_code.startswith(p) for p in item.industries))


async def _assign_one(lists: ListsRepository, task: Task, obj: InspectionObject | None) -> None:
    """Key tasks are not drawn, but their inspectors are: the same rule (two, recusal, rotation)."""
    inspectors = [inspector_rule(r) for r in await lists.inspectors_of(task.departments)]
    subject = Subject(uscc=task.uscc, district=obj.district if obj and obj.district else None)
    last = {task.uscc: list(obj.last_inspector_ids or [])} if obj else {}
    a = assign_inspectors(task.id, os.urandom(32), [subject], inspectors, task.departments, last_inspectors=last)
    task.inspector_ids = list(a.assigned.get(task.uscc, ()))
    task.unassigned_reason = a.unassigned.get(task.uscc)


async def create_key_inspection(plans: PlansRepository, lists: ListsRepository, principal: Principal,
                                data: dict[str, Any]) -> Task:
    dept = acting_department(principal, *SETUP_ROLES)
    obj = await lists.object(data["uscc"])
    if obj is None or obj.status == "unknown":
        raise Unprocessable.field("body.uscc", "key.object.unknown", f"{data['uscc']} is not in the inspection object database")
    items = await lists.items_by_ids(data["item_ids"])
    known = {i.id: i for i in items}
    for item_id in data["item_ids"]:
        item = known.get(item_id)
        if item is None:
            raise Unprocessable.field("body.item_ids", "key.items.unknown", f"unknown inspection item {item_id}")
        if item.department != dept:
            raise Unprocessable.field("body.item_ids", "key.items.department", f"item {item.code} is not your department's")
        if item.kind != "key" or not item.active:
            raise Unprocessable.field("body.item_ids", "key.items.kind",
                                      f"item {item.code} is not an active key item: use a random plan for general items")
    return await _new_key_task(plans, lists, obj, dept, list(dict.fromkeys(data["item_ids"])), data["reason"],
                               actor=principal.client_id)


async def _new_key_task(plans: PlansRepository, lists: ListsRepository, obj: InspectionObject, dept: str,
                        item_ids: list[str], reason: str, *, actor: str | None, alert_id: str | None = None) -> Task:
    task = Task(id=new_id(), kind="key", plan_id=None, uscc=obj.uscc, departments=[dept], item_ids=item_ids,
                inspector_ids=[], reason=reason, alert_id=alert_id, created_by=actor, created_at=now())
    await _assign_one(lists, task, obj)
    await plans.add(task)
    await plans.add(history_entry("key_task_created", uscc=obj.uscc, actor=actor, task_id=task.id, reason=reason,
                                  alert_id=alert_id))
    await plans.add(history_entry("assigned" if task.unassigned_reason is None else "assignment_failed",
                                  uscc=obj.uscc, actor=actor, task_id=task.id, inspector_ids=task.inspector_ids,
                                  reason=task.unassigned_reason))
    return task


async def key_inspection_from_alert(plans: PlansRepository, lists: ListsRepository, p: RiskAlerted,
                                    obj: InspectionObject, department: str) -> Task | None:
    """A risk alert becomes a key task of the lead department, over its key items for this subject."""
    if await plans.task_for_alert(p.alert_id) is not None:
        return None
    items = [i for i in await lists.key_items_of(department) if _applies(i, obj)]
    reason = f"credit risk alert {p.alert_id} (level {p.level}, score {p.score}): {'; '.join(p.reasons)}"
    return await _new_key_task(plans, lists, obj, department, [i.id for i in items], reason,
                               actor=f"risk-alert:{p.model_version}", alert_id=p.alert_id)


async def complete_alert_tasks(plans: PlansRepository, lists: ListsRepository, obj: InspectionObject) -> None:
    """An alert can overtake the subject's registration (they travel on different consumers): its
    task then had no profile to pick items by, so the items are chosen once the profile arrives."""
    for task in await plans.alert_tasks_of(obj.uscc):
        if task.item_ids:
            continue
        items = [i for i in await lists.key_items_of(task.departments[0]) if _applies(i, obj)]
        if not items:
            continue
        task.item_ids = [i.id for i in items]
        await plans.add(history_entry("key_task_items_chosen", uscc=obj.uscc, actor=None, task_id=task.id,
                                      item_ids=task.item_ids))


async def reassign_task(plans: PlansRepository, lists: ListsRepository, principal: Principal, task_id: str) -> Task:
    """Retry the assignment of a key task that lacked inspectors (drawn tasks stay as drawn: verifiable)."""
    dept = acting_department(principal, *SETUP_ROLES)
    task = await get_task(plans, principal, task_id, for_update=True)
    if task.kind != "key" or dept not in task.departments:
        raise Forbidden("only a key task of your department is reassigned; drawn tasks keep the published assignment")
    if task.unassigned_reason is None:
        raise Conflict("this task has its inspectors", current_state="assigned")
    await _assign_one(lists, task, await lists.object(task.uscc))
    await plans.add(history_entry("assigned" if task.unassigned_reason is None else "assignment_failed",
                                  uscc=task.uscc, actor=principal.client_id, task_id=task.id,
                                  inspector_ids=task.inspector_ids, reason=task.unassigned_reason))
    return task


async def get_task(plans: PlansRepository, principal: Principal, task_id: str, *, for_update: bool = False) -> Task:
    dept = reading_department(principal)
    task = await plans.task(task_id, for_update=for_update)
    if task is None:
        raise NotFound(f"no inspection task {task_id}")
    if dept not in task.departments and not principal.has_role("auditor"):
        raise Forbidden(f"task {task_id} belongs to {', '.join(task.departments)}")
    return task


# ---------------------------------------------------------------------- results


async def record_result(plans: PlansRepository, lists: ListsRepository, principal: Principal,
                        data: dict[str, Any]) -> Result:
    acting_department(principal, "inspector")
    task = await plans.task(data["task_id"], for_update=True)
    if task is None:
        raise NotFound(f"no inspection task {data['task_id']}")
    inspector = await lists.inspector_by_client(principal.client_id or "")
    # Only the inspectors assigned to this object record its results.
    if inspector is None or inspector.id not in (task.inspector_ids or []):
        raise Forbidden("only an inspector assigned to this task records its results",
                        assigned_inspectors=len(task.inspector_ids or []))
    if data["item_id"] not in task.item_ids:
        raise Unprocessable.field("body.item_id", "result.item.not_in_task", "this item is not part of the task")
    if data["inspected_on"] > today():
        raise Unprocessable.field("body.inspected_on", "result.date.future", "an inspection cannot be dated in the future")
    if data["inspected_on"] < task.created_at.date():
        raise Unprocessable.field("body.inspected_on", "result.date.before_task", "the inspection predates its task")
    if data["outcome"] in OUTCOMES_WITH_PROBLEMS and not (data.get("problems") or "").strip():
        raise Unprocessable.field("body.problems", "result.problems.required", f"say what was found for {data['outcome']}")
    if await plans.result_for(task.id, data["item_id"]) is not None:
        raise Conflict("a result for this item at this object is recorded already")
    item = await lists.item(data["item_id"])
    obj = await lists.object(task.uscc)
    due = publication_deadline(data["inspected_on"])
    result = Result(
        id=new_id(), task_id=task.id, plan_id=task.plan_id, uscc=task.uscc, item_id=item.id, item_code=item.code,
        department=item.department, outcome=data["outcome"], problems=data.get("problems") or "",
        inspected_on=data["inspected_on"], evidence=data.get("evidence") or [], recorded_by=inspector.id,
        publication_due=due.due, publication_due_provisional=due.provisional, calendar_version=due.calendar_version,
        published_on=None, created_at=now(),
    )
    await plans.add(result)
    await lists.set_last_inspectors(task.uscc, list(task.inspector_ids))
    await plans.add(history_entry("result_recorded", uscc=task.uscc, plan_id=task.plan_id, actor=principal.client_id,
                                  result_id=result.id, item_code=item.code, outcome=result.outcome,
                                  publication_due=due.due.isoformat()))
    await add_event(plans.session, ResultRecorded(
        result_id=result.id, plan_id=task.plan_id, task_kind=task.kind, uscc=task.uscc,
        subject_name=obj.name if obj else "", department=item.department, matter_code=item.matter_code,
        item_codes=[item.code], outcome=result.outcome, problems=result.problems,
        inspected_on=result.inspected_on, publication_due=due.due,
        evidence_hashes=[e["sha256"] for e in result.evidence],
    ), subject=task.uscc)
    return result


async def publish_result(plans: PlansRepository, principal: Principal, result_id: str) -> Result:
    dept = acting_department(principal, *SETUP_ROLES)
    result = await plans.result(result_id, for_update=True)
    if result is None:
        raise NotFound(f"no inspection result {result_id}")
    if result.department != dept:
        raise Forbidden(f"result {result_id} is published by {result.department}")
    if result.published_on is not None:
        raise Conflict(f"published on {result.published_on.isoformat()} already", current_state="published")
    result.published_on = today()
    await plans.add(history_entry("published", uscc=result.uscc, plan_id=result.plan_id, actor=principal.client_id,
                                  result_id=result.id, on_time=result.published_on <= result.publication_due))
    return result


async def get_result(plans: PlansRepository, principal: Principal, result_id: str) -> Result:
    reading_department(principal)
    result = await plans.result(result_id)
    if result is None:
        raise NotFound(f"no inspection result {result_id}")
    return result
