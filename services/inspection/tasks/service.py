"""Inspection tasks: key (non-random) inspections ordered by a department or by a credit risk
alert, their inspectors' assignment, and the tasks of drawn plans as read back."""

from __future__ import annotations

import os

from services.inspection.directory.repository import DirectoryRepository
from services.inspection.directory.service import (
    SETUP_ROLES,
    acting_department,
    inspector_rule,
    now,
    reading_department,
)
from services.inspection.history.service import history_entry
from services.inspection.models import InspectionItem, InspectionObject, Task
from services.inspection.rules.assignment import assign_inspectors
from services.inspection.rules.draw import Subject
from services.inspection.tasks.repository import TasksRepository
from services.inspection.tasks.schemas import KeyInspectionIn
from shared.auth import Principal
from shared.contracts.credit import RiskAlerted
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.ids import new_id


def _applies(item: InspectionItem, obj: InspectionObject) -> bool:
    types_ok = not item.subject_types or obj.subject_type in item.subject_types
    return types_ok and (not item.industries or any(obj.industry_code.startswith(p) for p in item.industries))


async def _assign_one(lists: DirectoryRepository, task: Task, obj: InspectionObject | None) -> None:
    """Key tasks are not drawn, but their inspectors are: the same rule (two, recusal, rotation)."""
    inspectors = [inspector_rule(r) for r in await lists.inspectors_of(task.departments)]
    subject = Subject(uscc=task.uscc, district=obj.district if obj and obj.district else None)
    last = {task.uscc: list(obj.last_inspector_ids or [])} if obj else {}
    a = assign_inspectors(task.id, os.urandom(32), [subject], inspectors, task.departments, last_inspectors=last)
    task.inspector_ids = list(a.assigned.get(task.uscc, ()))
    task.unassigned_reason = a.unassigned.get(task.uscc)


async def create_key_inspection(tasks: TasksRepository, lists: DirectoryRepository, principal: Principal,
                                body: KeyInspectionIn) -> Task:
    dept = acting_department(principal, *SETUP_ROLES)
    obj = await lists.object(body.uscc)
    if obj is None or obj.status == "unknown":
        raise Unprocessable.field("body.uscc", "key.object.unknown", f"{body.uscc} is not in the inspection object database")
    items = await lists.items_by_ids(body.item_ids)
    known = {i.id: i for i in items}
    for item_id in body.item_ids:
        item = known.get(item_id)
        if item is None:
            raise Unprocessable.field("body.item_ids", "key.items.unknown", f"unknown inspection item {item_id}")
        if item.department != dept:
            raise Unprocessable.field("body.item_ids", "key.items.department", f"item {item.code} is not your department's")
        if item.kind != "key" or not item.active:
            raise Unprocessable.field("body.item_ids", "key.items.kind",
                                      f"item {item.code} is not an active key item: use a random plan for general items")
    return await _new_key_task(tasks, lists, obj, dept, list(dict.fromkeys(body.item_ids)), body.reason,
                               actor=principal.client_id)


async def _new_key_task(tasks: TasksRepository, lists: DirectoryRepository, obj: InspectionObject, dept: str,
                        item_ids: list[str], reason: str, *, actor: str | None, alert_id: str | None = None) -> Task:
    task = Task(id=new_id(), kind="key", plan_id=None, uscc=obj.uscc, departments=[dept], item_ids=item_ids,
                inspector_ids=[], reason=reason, alert_id=alert_id, created_by=actor, created_at=now())
    await _assign_one(lists, task, obj)
    await tasks.add(task)
    await tasks.add(history_entry("key_task_created", uscc=obj.uscc, actor=actor, task_id=task.id, reason=reason,
                                  alert_id=alert_id))
    await tasks.add(history_entry("assigned" if task.unassigned_reason is None else "assignment_failed",
                                  uscc=obj.uscc, actor=actor, task_id=task.id, inspector_ids=task.inspector_ids,
                                  reason=task.unassigned_reason))
    return task


async def key_inspection_from_alert(tasks: TasksRepository, lists: DirectoryRepository, p: RiskAlerted,
                                    obj: InspectionObject, department: str) -> Task | None:
    """A risk alert becomes a key task of the lead department, over its key items for this subject."""
    if await tasks.task_for_alert(p.alert_id) is not None:
        return None
    items = [i for i in await lists.key_items_of(department) if _applies(i, obj)]
    reason = f"credit risk alert {p.alert_id} (level {p.level}, score {p.score}): {'; '.join(p.reasons)}"
    return await _new_key_task(tasks, lists, obj, department, [i.id for i in items], reason,
                               actor=f"risk-alert:{p.model_version}", alert_id=p.alert_id)


async def complete_alert_tasks(tasks: TasksRepository, lists: DirectoryRepository, obj: InspectionObject) -> None:
    """An alert can overtake the subject's registration (they travel on different consumers): its
    task then had no profile to pick items by, so the items are chosen once the profile arrives."""
    for task in await tasks.alert_tasks_of(obj.uscc):
        if task.item_ids:
            continue
        items = [i for i in await lists.key_items_of(task.departments[0]) if _applies(i, obj)]
        if not items:
            continue
        task.item_ids = [i.id for i in items]
        await tasks.add(history_entry("key_task_items_chosen", uscc=obj.uscc, actor=None, task_id=task.id,
                                      item_ids=task.item_ids))


async def reassign_task(tasks: TasksRepository, lists: DirectoryRepository, principal: Principal, task_id: str) -> Task:
    """Retry the assignment of a key task that lacked inspectors (drawn tasks stay as drawn: verifiable)."""
    dept = acting_department(principal, *SETUP_ROLES)
    task = await get_task(tasks, principal, task_id, for_update=True)
    if task.kind != "key" or dept not in task.departments:
        raise Forbidden("only a key task of your department is reassigned; drawn tasks keep the published assignment")
    if task.unassigned_reason is None:
        raise Conflict("this task has its inspectors", current_state="assigned")
    await _assign_one(lists, task, await lists.object(task.uscc))
    await tasks.add(history_entry("assigned" if task.unassigned_reason is None else "assignment_failed",
                                  uscc=task.uscc, actor=principal.client_id, task_id=task.id,
                                  inspector_ids=task.inspector_ids, reason=task.unassigned_reason))
    return task


async def get_task(tasks: TasksRepository, principal: Principal, task_id: str, *, for_update: bool = False) -> Task:
    dept = reading_department(principal)
    task = await tasks.task(task_id, for_update=for_update)
    if task is None:
        raise NotFound(f"no inspection task {task_id}")
    if dept not in task.departments and not principal.has_role("auditor"):
        raise Forbidden(f"task {task_id} belongs to {', '.join(task.departments)}")
    return task


async def list_tasks(tasks: TasksRepository, principal: Principal, *, plan_id: str | None, kind: str | None,
                     uscc: str | None, inspector_id: str | None, unassigned: bool | None, after: str | None,
                     limit: int) -> list[Task]:
    """Tasks the caller's department takes part in (auditors: all), as `get_task` reads them."""
    dept = reading_department(principal)
    return await tasks.list_tasks(plan_id=plan_id, kind=kind, uscc=uscc, inspector_id=inspector_id,
                                  unassigned=unassigned, after=after, limit=limit,
                                  department=None if principal.has_role("auditor") else dept)
