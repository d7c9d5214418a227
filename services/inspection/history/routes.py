"""HTTP route of an object's step history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from services.inspection.deps import UsccPath, after_from, page
from services.inspection.directory.service import reading_department
from services.inspection.history import service as svc
from services.inspection.history.repository import HistoryRepository
from services.inspection.history.schemas import HistoryOut, HistoryPage
from shared.app import problem_responses
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SnapshotSessionDep,
)

router = APIRouter()


@router.get("/objects/{uscc}/history", response_model=HistoryPage, tags=["objects"],
            responses=problem_responses(401, 403, 422), summary="Every step concerning an object",
            description="Plan, commitment and draw of every plan whose population held it; its own drawing, "
                        "assignment, key tasks, results and publication; oldest first.")
async def get_object_history(session: SnapshotSessionDep, principal: PrincipalDep, uscc: Annotated[str, UsccPath],
                             limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> dict:
    reading_department(principal)
    rows = await svc.object_history(HistoryRepository(session), uscc, after=after_from(cursor), limit=limit)
    return page(rows, limit, lambda r: r["id"], HistoryOut.model_validate)
