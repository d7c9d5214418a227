"""HTTP routes of inspection tasks and key inspections."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.inspection.deps import AnyId, IdQuery, after_from, page, with_etag
from services.inspection.directory.repository import DirectoryRepository
from services.inspection.tasks import service as svc
from services.inspection.tasks.repository import TasksRepository
from services.inspection.tasks.schemas import KeyInspectionIn, TaskOut, TaskPage
from shared.app import problem_responses
from shared.contracts.codes import TaskKind
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter()


@router.post("/key-inspections", status_code=201, response_model=TaskOut, tags=["tasks"],
             responses=problem_responses(401, 403, 422), summary="Order a key (non-random) inspection",
             description="Full coverage of the named key items at one object, with the reason. Inspectors are "
                         "assigned by the same rule as drawn tasks (two, recusal, not the previous ones).")
async def create_key_inspection(body: KeyInspectionIn, session: SessionDep, principal: PrincipalDep) -> TaskOut:
    task = await svc.create_key_inspection(TasksRepository(session), DirectoryRepository(session), principal, body)
    await session.commit()
    return TaskOut.model_validate(task)


@router.get("/tasks", response_model=TaskPage, tags=["tasks"], responses=problem_responses(401, 403, 422),
            summary="Inspection tasks (drawn and key)")
async def list_tasks(session: SnapshotSessionDep, principal: PrincipalDep, plan_id: IdQuery = None,
                     kind: TaskKind | None = None,
                     uscc: Annotated[str | None, Query(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")] = None,
                     inspector_id: IdQuery = None, unassigned: bool | None = None,
                     limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> dict:
    rows = await svc.list_tasks(TasksRepository(session), principal, plan_id=plan_id, kind=kind, uscc=uscc,
                                inspector_id=inspector_id, unassigned=unassigned, after=after_from(cursor), limit=limit)
    return page(rows, limit, lambda r: r.id, TaskOut.model_validate)


@router.get("/tasks/{task_id}", response_model=TaskOut, tags=["tasks"],
            responses=problem_responses(401, 403, 404, 422), summary="One inspection task")
async def get_task(response: Response, session: SnapshotSessionDep, principal: PrincipalDep,
                   task_id: Annotated[str, AnyId]) -> TaskOut:
    return with_etag(response, TaskOut.model_validate(await svc.get_task(TasksRepository(session), principal, task_id)))


@router.post("/tasks/{task_id}/reassign", response_model=TaskOut, tags=["tasks"],
             responses=problem_responses(401, 403, 404, 409, 422), summary="Retry assigning a key task")
async def reassign_task(session: SessionDep, principal: PrincipalDep, task_id: Annotated[str, AnyId]) -> TaskOut:
    task = await svc.reassign_task(TasksRepository(session), DirectoryRepository(session), principal, task_id)
    await session.commit()
    return TaskOut.model_validate(task)
