"""HTTP routes of the item list, the inspection object database and the inspector database."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.inspection.deps import AnyId, UsccPath, after_from, page, with_etag
from services.inspection.directory import service as svc
from services.inspection.directory.repository import DirectoryRepository
from services.inspection.directory.schemas import (
    Department,
    InspectorIn,
    InspectorOut,
    InspectorPage,
    InspectorPatch,
    ItemIn,
    ItemOut,
    ItemPage,
    ItemPatch,
    ObjectOut,
    ObjectPage,
)
from services.inspection.directory.service import reading_department
from services.inspection.models import InspectionObject, InspectorRecord
from shared.app import problem_responses
from shared.contracts.codes import ListKind
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter()
WRITE = problem_responses(401, 403, 409, 422)


# ---------------------------------------------------------------------- items


@router.post("/items", status_code=201, response_model=ItemOut, tags=["items"], responses=WRITE,
             summary="Add an item to the department's inspection item list",
             description="Admin or inspector of a department. A supervision matter, when given, must be on the "
                         "department's own matter list.")
async def create_item(body: ItemIn, session: SessionDep, principal: PrincipalDep) -> ItemOut:
    item = await svc.create_item(DirectoryRepository(session), principal, body)
    await session.commit()
    return ItemOut.model_validate(item)


@router.get("/items", response_model=ItemPage, tags=["items"], responses=problem_responses(422),
            summary="The public inspection item lists", description="Items of every department, or of one.")
async def list_items(session: SnapshotSessionDep, department: Department | None = None,
                     kind: Literal["general", "key"] | None = None, limit: PageSize = DEFAULT_LIMIT,
                     cursor: Cursor = None) -> dict:
    rows = await svc.list_items(DirectoryRepository(session), department=department, kind=kind,
                                after=after_from(cursor), limit=limit)
    return page(rows, limit, lambda r: r.id, ItemOut.model_validate)


@router.get("/items/{item_id}", response_model=ItemOut, tags=["items"], responses=problem_responses(404, 422),
            summary="One inspection item")
async def get_item(response: Response, session: SnapshotSessionDep, item_id: Annotated[str, AnyId]) -> ItemOut:
    return with_etag(response, ItemOut.model_validate(await svc.get_item(DirectoryRepository(session), item_id)))


@router.patch("/items/{item_id}", response_model=ItemOut, tags=["items"], responses=problem_responses(401, 403, 404, 422),
              summary="Change an item of the department's own list")
async def update_item(body: ItemPatch, session: SessionDep, principal: PrincipalDep,
                      item_id: Annotated[str, AnyId]) -> ItemOut:
    item = await svc.update_item(DirectoryRepository(session), principal, item_id, body)
    await session.commit()
    return ItemOut.model_validate(item)


@router.delete("/items/{item_id}", response_model=ItemOut, tags=["items"],
               responses=problem_responses(401, 403, 404, 422),
               summary="Retire an item", description="Retired items stay readable: plans and results refer to them.")
async def retire_item(session: SessionDep, principal: PrincipalDep, item_id: Annotated[str, AnyId]) -> ItemOut:
    item = await svc.retire_item(DirectoryRepository(session), principal, item_id)
    await session.commit()
    return ItemOut.model_validate(item)


# ---------------------------------------------------------------------- objects


def object_out(o: InspectionObject) -> ObjectOut:
    return ObjectOut(uscc=o.uscc, name=o.name, subject_type=o.subject_type, district=o.district,
                     industry_code=o.industry_code, status=o.status, grade=o.grade, grade_as_of=o.grade_as_of,
                     risk_level=o.risk_level, risk_score=o.risk_score, lists=svc.list_memberships(o),
                     last_inspector_ids=o.last_inspector_ids)


@router.get("/objects", response_model=ObjectPage, tags=["objects"], responses=problem_responses(401, 403, 422),
            summary="The inspection object database",
            description="Subjects with their credit grade, risk level and list memberships, kept from credit's events.")
async def list_objects(session: SnapshotSessionDep, principal: PrincipalDep, district: str | None = Query(None, max_length=40),
                       grade: Literal["A", "B", "C", "D"] | None = None,
                       list_kind: ListKind | None = None,
                       limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> dict:
    reading_department(principal)
    rows = await svc.list_objects(DirectoryRepository(session), district=district, grade=grade, list_kind=list_kind,
                                  after=after_from(cursor), limit=limit)
    return page(rows, limit, lambda r: r.uscc, object_out)


@router.get("/objects/{uscc}", response_model=ObjectOut, tags=["objects"],
            responses=problem_responses(401, 403, 404, 422), summary="One inspection object")
async def get_object(response: Response, session: SnapshotSessionDep, principal: PrincipalDep,
                     uscc: Annotated[str, UsccPath]) -> ObjectOut:
    return with_etag(response, object_out(await svc.get_object(DirectoryRepository(session), principal, uscc)))


# ---------------------------------------------------------------------- inspectors


def inspector_out(i: InspectorRecord, *, with_interests: bool = False) -> InspectorOut:
    return InspectorOut(id=i.id, department=i.department, name=i.name, client_id=i.client_id,
                        qualifications=i.qualifications or [], districts=i.districts or [], active=i.active,
                        interests=list(i.interests or []) if with_interests else None)


@router.post("/inspectors", status_code=201, response_model=InspectorOut, tags=["inspectors"], responses=WRITE,
             summary="Add an inspector to the department's inspector database",
             description="Department admin only. `client_id` links the inspector to a gateway credential.")
async def create_inspector(body: InspectorIn, session: SessionDep, principal: PrincipalDep) -> InspectorOut:
    ins = await svc.create_inspector(DirectoryRepository(session), principal, body)
    await session.commit()
    return inspector_out(ins, with_interests=True)


@router.get("/inspectors", response_model=InspectorPage, tags=["inspectors"],
            responses=problem_responses(401, 403, 422), summary="The caller's department's inspectors",
            description="Declared interests are never listed.")
async def list_inspectors(session: SnapshotSessionDep, principal: PrincipalDep, active: bool | None = None,
                          limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> dict:
    dept = reading_department(principal)
    rows = await svc.list_inspectors(DirectoryRepository(session), department=dept, active=active,
                                     after=after_from(cursor), limit=limit)
    return page(rows, limit, lambda r: r.id, inspector_out)


@router.get("/inspectors/{inspector_id}", response_model=InspectorOut, tags=["inspectors"],
            responses=problem_responses(401, 403, 404, 422), summary="One inspector",
            description="Declared interests are shown to the inspector's own department admin only.")
async def get_inspector(response: Response, session: SnapshotSessionDep, principal: PrincipalDep,
                        inspector_id: Annotated[str, AnyId]) -> InspectorOut:
    ins, private = await svc.get_inspector(DirectoryRepository(session), principal, inspector_id)
    return with_etag(response, inspector_out(ins, with_interests=private))


@router.patch("/inspectors/{inspector_id}", response_model=InspectorOut, tags=["inspectors"],
              responses=problem_responses(401, 403, 404, 422), summary="Change an inspector (department admin)")
async def update_inspector(body: InspectorPatch, session: SessionDep, principal: PrincipalDep,
                           inspector_id: Annotated[str, AnyId]) -> InspectorOut:
    ins = await svc.update_inspector(DirectoryRepository(session), principal, inspector_id, body)
    await session.commit()
    return inspector_out(ins, with_interests=True)
