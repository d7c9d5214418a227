"""HTTP routes of inspection results and their publication."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.inspection.deps import AnyId, IdQuery, after_from, page, with_etag
from services.inspection.directory.repository import DirectoryRepository
from services.inspection.directory.service import reading_department
from services.inspection.models import Result
from services.inspection.results import service as svc
from services.inspection.results.repository import ResultsRepository
from services.inspection.results.schemas import ResultIn, ResultOut, ResultPage
from services.inspection.tasks.repository import TasksRepository
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


def result_out(r: Result) -> ResultOut:
    return ResultOut(id=r.id, task_id=r.task_id, plan_id=r.plan_id, uscc=r.uscc, item_id=r.item_id,
                     item_code=r.item_code, department=r.department, outcome=r.outcome, problems=r.problems,
                     inspected_on=r.inspected_on, evidence=r.evidence or [], recorded_by=r.recorded_by,
                     publication_due=r.publication_due, publication_due_provisional=r.publication_due_provisional,
                     published_on=r.published_on, overdue=svc.is_overdue(r))


@router.post("/results", status_code=201, response_model=ResultOut, tags=["results"],
             responses=problem_responses(401, 403, 404, 409, 422), summary="Record a result for one object and item",
             description="Only an inspector assigned to the task (token client id = the inspector's client id). "
                         "Evidence is attached as SHA-256 hashes with metadata. Emits "
                         "sup.inspection.result.recorded; publication is due within 20 working days.")
async def record_result(body: ResultIn, session: SessionDep, principal: PrincipalDep) -> ResultOut:
    result = await svc.record_result(ResultsRepository(session), TasksRepository(session),
                                     DirectoryRepository(session), principal, body)
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
    rows = await svc.list_results(ResultsRepository(session), department=dept if mine else None, uscc=uscc,
                                  plan_id=plan_id, overdue=overdue, after=after_from(cursor), limit=limit)
    return page(rows, limit, lambda r: r.id, result_out)


@router.get("/results/{result_id}", response_model=ResultOut, tags=["results"],
            responses=problem_responses(401, 403, 404, 422), summary="One result")
async def get_result(response: Response, session: SnapshotSessionDep, principal: PrincipalDep,
                     result_id: Annotated[str, AnyId]) -> ResultOut:
    return with_etag(response, result_out(await svc.get_result(ResultsRepository(session), principal, result_id)))


@router.post("/results/{result_id}/publish", response_model=ResultOut, tags=["results"],
             responses=problem_responses(401, 403, 404, 409, 422), summary="Mark a result as published",
             description="The result's department confirms publication; a second call is a 409.")
async def publish_result(session: SessionDep, principal: PrincipalDep, result_id: Annotated[str, AnyId]) -> ResultOut:
    result = await svc.publish_result(ResultsRepository(session), principal, result_id)
    await session.commit()
    return result_out(result)
