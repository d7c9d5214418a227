"""HTTP routes: abnormal operations, serious illegal and dishonest, and red lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.credit.lists import service as lists
from services.credit.lists.schemas import (
    ListEntryCreate,
    ListEntryOut,
    ListEntryPage,
    ListExitRequest,
    SweepReport,
)
from services.credit.models import ListEntry
from services.credit.subjects.schemas import USCC_EXAMPLE
from services.credit.subjects.service import require_role
from shared.app import problem_responses
from shared.clock import shanghai_today
from shared.contracts.codes import ListKind
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter(tags=["lists"])
EntryId = Annotated[str, Path(max_length=36, description="list entry id", examples=["01935c2e-8a4b-7c3d-9e2f-123456789abc"])]
ListKindPath = Annotated[ListKind, Path(description="abnormal | serious_dishonesty | red", examples=["abnormal"])]


def entry_out(e: ListEntry) -> ListEntryOut:
    return ListEntryOut(id=e.id, uscc=e.uscc, list_kind=e.list_kind, reason=e.reason, reason_text=e.reason_text,
                        basis=e.basis, department=e.department, entered_on=e.entered_on, exited_on=e.exited_on,
                        exit_reason=e.exit_reason, source_ref=e.source_ref, escalated_to=e.escalated_to)


@router.post("/lists/{list_kind}/entries", status_code=201, summary="Put a subject on a list",
             description="Abnormal operations: exactly one statutory ground. Serious dishonesty: one or more "
                         "statutory grounds (anything else is a 422: no list without law). Red list: the "
                         "eligibility criteria are checked (409 with the reasons against). One open entry per "
                         "list. Role: credit_officer. Emits `sup.credit.list.entered`; the subject is regraded.",
             responses=problem_responses(403, 404, 409, 422))
async def enter_list(list_kind: ListKindPath, body: ListEntryCreate, session: SessionDep,
                     principal: PrincipalDep) -> ListEntryOut:
    entry = await lists.api_enter(session, principal, list_kind, body)
    out = entry_out(entry)
    await session.commit()
    return out


@router.post("/lists/entries/{entry_id}/exit", summary="Take a subject off a list",
             description="Abnormal operations: only once the entry ground is corrected. Serious dishonesty: after "
                         "1 year with obligations performed and no new violation, or after 3 years. Otherwise "
                         "409 with the reasons. Role: credit_officer. Emits `sup.credit.list.exited`.",
             responses=problem_responses(403, 404, 409, 422))
async def exit_list(entry_id: EntryId, body: ListExitRequest, session: SessionDep,
                    principal: PrincipalDep) -> ListEntryOut:
    entry = await lists.api_exit(session, principal, entry_id, body)
    out = entry_out(entry)
    await session.commit()
    return out


@router.get("/lists/{list_kind}/entries", summary="List members",
            description="Entries of a list, current members by default (`include_exited` for history); "
                        "cursor paged. Public.", responses=problem_responses(422))
async def list_members(
    list_kind: ListKindPath, session: SnapshotSessionDep,
    include_exited: bool = False,
    uscc: Annotated[str | None, Query(max_length=18, examples=[USCC_EXAMPLE])] = None,
    limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None,
) -> ListEntryPage:
    items, next_cursor = await lists.members(session, list_kind, include_exited=include_exited, uscc=uscc,
                                             cursor=cursor, limit=limit)
    return ListEntryPage(items=[entry_out(e) for e in items], next_cursor=next_cursor)


@router.get("/lists/entries/{entry_id}", summary="Read a list entry", responses=problem_responses(404))
async def get_list_entry(entry_id: EntryId, session: SnapshotSessionDep) -> ListEntryOut:
    return entry_out(await lists.get_entry(session, entry_id))


@router.post("/lists/sweep", summary="Run the list sweep now",
             description="What the background job does every hour: abnormal-list entries 3 years uncorrected go "
                         "to the serious illegal and dishonest list; serious-dishonesty entries 3 years old are "
                         "removed. Roles: credit_officer, admin.", responses=problem_responses(403))
async def sweep_lists(session: SessionDep, principal: PrincipalDep) -> SweepReport:
    require_role(principal, "credit_officer", "admin")
    today = shanghai_today()
    escalated, removed = await lists.sweep_lists(session, today)
    await session.commit()
    return SweepReport(as_of=today, escalated=escalated, removed=removed)
