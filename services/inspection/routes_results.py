"""HTTP routes of tasks, key inspections, results and the object history."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.inspection import service_results as svc
from services.inspection.models import Result
from services.inspection.repository_lists import ListsRepository
from services.inspection.repository_plans import PlansRepository
from services.inspection.routes_common import (
    AnyId,
    UsccPath,
    after_from,
    page,
    with_etag,
)
from services.inspection.schemas_results import (
    HistoryOut,
    HistoryPage,
    KeyInspectionIn,
    ResultIn,
    ResultOut,
    ResultPage,
    TaskOut,
    TaskPage,
)
from services.inspection.service_common import reading_department, today
from shared.app import problem_responses
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter()
IdQuery = Annotated[str | None, Query(min_length=1, max_length=36, pattern=r"^[0-9A-Za-z-]+$")]


def result_out(r: Result) -> ResultOut:
    return ResultOut(id=r.id, task_id=r.task_id, plan_id=r.plan_id, uscc=r.uscc, item_id=r.item_id,
                     item_code=r.item_code, department=r.department, outcome=r.outcome, problems=r.problems,
                     inspected_on=r.inspected_on, evidence=r.evidence or [], recorded_by=r.recorded_by,
                     publication_due=r.publication_due, publication_due_provisional=r.publication_due_provisional,
                     published_on=r.published_on, overdue=svc.is_overdue(r))


@router.post("/key-inspections", status_code=201, response_model=TaskOut, tags=["tasks"],
             responses=problem_responses(401, 403, 422), summary="Order a key (non-random) inspection",
             description="Full coverage of the named key items at one object, with the reason. Inspectors are "
                         "assigned by the same rule as drawn tasks (two, recusal, not the previous ones).")
async def create_key_inspection(body: KeyInspectionIn, session: SessionDep, principal: PrincipalDep) -> TaskOut:
    task = await svc.create_key_inspection(PlansRepository(session), ListsRepository(session), principal,
                                           body.model_dump())
    await session.commit()
    return TaskOut.model_validate(task)


@router.get("/tasks", response_model=TaskPage, tags=["tasks"], responses=problem_responses(401, 403, 422),
            summary="Inspection tasks (drawn and key)")
async def list_tasks(session: SnapshotSessionDep, principal: PrincipalDep, plan_id: IdQuery = None,
                     kind: Literal["random", "key"] | None = None,
                     uscc: Annotated[str | None, Query(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")] = None,
                     inspector_id: IdQuery = None, unassigned: bool | None = None,
                     limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> dict:
    reading_department(principal)
    rows = await PlansRepository(session).list_tasks(plan_id=plan_id, kind=kind, uscc=uscc, inspector_id=inspector_id,
                                                     unassigned=unassigned, after=after_from(cursor), limit=limit)
    return page(rows, limit, lambda r: r.id, TaskOut.model_validate)


@router.get("/tasks/{task_id}", response_model=TaskOut, tags=["tasks"],
            responses=problem_responses(401, 403, 404, 422), summary="One inspection task")
async def get_task(response: Response, session: SnapshotSessionDep, principal: PrincipalDep,
                   task_id: Annotated[str, AnyId]) -> TaskOut:
    return with_etag(response, TaskOut.model_validate(await svc.get_task(PlansRepository(session), principal, task_id)))


@router.post("/tasks/{task_id}/reassign", response_model=TaskOut, tags=["tasks"],
             responses=problem_responses(401, 403, 404, 409, 422), summary="Retry assigning a key task")
async def reassign_task(session: SessionDep, principal: PrincipalDep, task_id: Annotated[str, AnyId]) -> TaskOut:
    task = await svc.reassign_task(PlansRepository(session), ListsRepository(session), principal, task_id)
    await session.commit()
    return TaskOut.model_validate(task)


@router.post("/results", status_code=201, response_model=ResultOut, tags=["results"],
             responses=problem_responses(401, 403, 404, 409, 422), summary="Record a result for one object and item",
             description="Only an inspector assigned to the task (token client id = the inspector's client id). "
                         "Evidence is attached as SHA-256 hashes with metadata. Emits "
                         "sup.inspection.result.recorded; publication is due within 20 working days.")
async def record_result(body: ResultIn, session: SessionDep, principal: PrincipalDep) -> ResultOut:
    result = await svc.record_result(PlansRepository(session), ListsRepository(session), principal,
                                     body.model_dump(mode="python"))
    await session.commit()
    return result_out(result)


@router.get("/results", response_model=ResultPage, tags=["results"], responses=problem_responses(401, 403, 422),
            summary="Results, with overdue publication flagged")
async def list_results(session: SnapshotSessionDep, principal: PrincipalDep, plan_id: IdQuery = None,
                       uscc: Annotated[str | None, Query(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")] = None,
                       overdue: bool = Query(False, description="only results past their publication deadline"),
                       mine: bool = Query(True, description="only the caller's department's results"),
                       limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> dict:
    dept = reading_department(principal)
    rows = await PlansRepository(session).list_results(
        department=dept if mine else None, uscc=uscc, plan_id=plan_id, overdue_on=today() if overdue else None,
        after=after_from(cursor), limit=limit)
    return page(rows, limit, lambda r: r.id, result_out)


@router.get("/results/{result_id}", response_model=ResultOut, tags=["results"],
            responses=problem_responses(401, 403, 404, 422), summary="One result")
async def get_result(response: Response, session: SnapshotSessionDep, principal: PrincipalDep,
                     result_id: Annotated[str, AnyId]) -> ResultOut:
    return with_etag(response, result_out(await svc.get_result(PlansRepository(session), principal, result_id)))


@router.post("/results/{result_id}/publish", response_model=ResultOut, tags=["results"],
             responses=problem_responses(401, 403, 404, 409, 422), summary="Mark a result as published",
             description="The result's department confirms publication; a second call is a 409.")
async def publish_result(session: SessionDep, principal: PrincipalDep, result_id: Annotated[str, AnyId]) -> ResultOut:
    result = await svc.publish_result(PlansRepository(session), principal, result_id)
    await session.commit()
    return result_out(result)


@router.get("/objects/{uscc}/history", response_model=HistoryPage, tags=["objects"],
            responses=problem_responses(401, 403, 422), summary="Every step concerning an object",
            description="Plan, commitment and draw of every plan whose population held it; its own drawing, "
                        "assignment, key tasks, results and publication; oldest first.")
async def get_object_history(session: SnapshotSessionDep, principal: PrincipalDep, uscc: Annotated[str, UsccPath],
                             limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> dict:
    reading_department(principal)
    rows = await PlansRepository(session).history(uscc, after=after_from(cursor), limit=limit)
    return page(rows, limit, lambda r: r["id"], HistoryOut.model_validate)
