"""Routes: leads and cases, clocks, legal reviews, and the whole-process record."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from services.casework import (
    service_cases,
    service_clocks,
    service_record,
    service_reviews,
)
from services.casework.routes import (
    CaseId,
    ReviewId,
    after_id,
    case_etag,
    case_out,
    next_cursor,
    review_out,
    soon_days,
)
from services.casework.rules.workflow import CaseState
from services.casework.schemas import (
    CaseOut,
    CasePage,
    CasePatch,
    EvidenceOut,
    HistoryEntry,
    HistoryPage,
    LeadCreate,
    ReviewOut,
    ReviewPage,
    ReviewVerdict,
)
from shared.app import problem_responses
from shared.paging import decode_cursor, encode_cursor
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter()
READ = problem_responses(403, 404, 422)
WRITE = problem_responses(403, 404, 409, 422)


@router.post("/cases", status_code=201, tags=["cases"], summary="Record a lead",
             description="A case officer records a lead found by hand. Leads also arrive from inspection results, "
                         "accepted complaints, transfers and risk alerts, each linked to its source. The "
                         "15-working-day filing clock starts.",
             responses=problem_responses(403, 422))
async def create_lead(body: LeadCreate, session: SessionDep, principal: PrincipalDep, request: Request) -> CaseOut:
    case = await service_cases.create_lead(session, principal, body)
    await session.commit()
    return case_out(case, soon_days(request))


@router.get("/cases", tags=["cases", "clocks"], summary="List the department's cases",
            description="Cases of the caller's department (auditors: all). `clock=overdue` lists cases whose "
                        "running statutory clock (filing, decision, service, payment) is past its last day; "
                        "`clock=due_soon` those within the configured days of it.",
            responses=problem_responses(403, 422))
async def list_cases(session: SnapshotSessionDep, principal: PrincipalDep, request: Request,
                     clock: Annotated[Literal["overdue", "due_soon"] | None, Query(description="Filter by clock")] = None,
                     state: Annotated[CaseState | None, Query(description="Filter by state")] = None,
                     limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> CasePage:
    soon = soon_days(request)
    items = await service_clocks.list_cases(session, principal, clock=clock, state=state.value if state else None,
                                            after_id=after_id(cursor), limit=limit, soon_days=soon)
    return CasePage(items=[case_out(c, soon) for c in items], next_cursor=next_cursor(items, limit))


@router.get("/cases/{case_id}", tags=["cases"], summary="Read a case",
            description="The case, the actions its state allows and its running clock. Readable by the "
                        "handling department and auditors; another department gets 403.", responses=READ)
async def get_case(case_id: CaseId, session: SnapshotSessionDep, principal: PrincipalDep, request: Request,
                   response: Response) -> CaseOut:
    case = await service_cases.get_case(session, principal, case_id)
    response.headers["ETag"] = case_etag(case)
    return case_out(case, soon_days(request))


@router.patch("/cases/{case_id}", tags=["cases"], summary="Update the facts of a case",
              description="E.g. set `suspected_crime` (then only a transfer to judicial organs may follow), "
                          "`major_public_interest` or `complex_case` (then a legal review is required).",
              responses=WRITE)
async def update_case(case_id: CaseId, body: CasePatch, session: SessionDep, principal: PrincipalDep,
                      request: Request) -> CaseOut:
    case = await service_cases.patch_case(session, principal, case_id, body)
    await session.commit()
    return case_out(case, soon_days(request))


@router.get("/cases/{case_id}/evidence", tags=["cases"], summary="List the evidence of a case",
            responses=READ)
async def list_evidence(case_id: CaseId, session: SnapshotSessionDep, principal: PrincipalDep) -> list[EvidenceOut]:
    items = await service_cases.list_evidence(session, principal, case_id)
    return [EvidenceOut.model_validate(e, from_attributes=True) for e in items]


@router.get("/cases/{case_id}/history", tags=["record"], summary="Page through the whole-process record",
            description="Every action on the case: who (client, department, roles), when, what, attachment "
                        "hashes. Append-only.", responses=READ)
async def case_history(case_id: CaseId, session: SnapshotSessionDep, principal: PrincipalDep,
                       limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> HistoryPage:
    position = decode_cursor(cursor) or {}
    seq = position.get("seq")
    rows = await service_cases.history(session, principal, case_id, seq if isinstance(seq, int) else None, limit)
    items = [HistoryEntry.model_validate(r, from_attributes=True) for r in rows]
    return HistoryPage(items=items, next_cursor=encode_cursor({"seq": rows[-1].seq}) if len(rows) == limit else None)


@router.get("/cases/{case_id}/record", tags=["record"], summary="Export the whole-process record",
            description="One document per case: the case, its source (never the reporter), evidence with "
                        "hashes, legal reviews, decisions and the full history. `format=json` (default), "
                        "`text` or `html`.",
            responses={**READ, 200: {"content": {"application/json": {}, "text/plain": {}, "text/html": {}},
                                     "description": "The record"}})
async def case_record(case_id: CaseId, session: SnapshotSessionDep, principal: PrincipalDep,
                      format: Literal["json", "text", "html"] = "json") -> Response:
    doc = await service_record.case_record(session, principal, case_id)
    if format == "text":
        return PlainTextResponse(service_record.as_text(doc))
    if format == "html":
        return HTMLResponse(service_record.as_html(doc))
    return JSONResponse(doc)


# ---------------------------------------------------------------------------- legal reviews


@router.get("/reviews", tags=["legal reviews"], summary="List legal reviews of the department",
            responses=problem_responses(403, 422))
async def list_reviews(session: SnapshotSessionDep, principal: PrincipalDep,
                       status: Literal["pending", "passed", "rejected"] | None = None,
                       limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> ReviewPage:
    items = await service_reviews.list_reviews(session, principal, status, after_id(cursor), limit)
    return ReviewPage(items=[review_out(r) for r in items], next_cursor=next_cursor(items, limit))


@router.get("/reviews/{review_id}", tags=["legal reviews"], summary="Read a legal review", responses=READ)
async def get_review(review_id: ReviewId, session: SnapshotSessionDep, principal: PrincipalDep) -> ReviewOut:
    return review_out(await service_reviews.get_review(session, principal, review_id))


@router.post("/reviews/{review_id}/pass", tags=["legal reviews"], summary="Pass a legal review",
             description="By a legal_reviewer of the case's department who is not one of its investigators "
                         "(APL art. 58); the case may then be decided.", responses=WRITE)
async def pass_review(review_id: ReviewId, body: ReviewVerdict, session: SessionDep,
                      principal: PrincipalDep) -> ReviewOut:
    review = await service_reviews.decide_review(session, principal, review_id, True, body)
    await session.commit()
    return review_out(review)


@router.post("/reviews/{review_id}/reject", tags=["legal reviews"], summary="Reject a legal review",
             description="The case goes back to investigation.", responses=WRITE)
async def reject_review(review_id: ReviewId, body: ReviewVerdict, session: SessionDep,
                        principal: PrincipalDep) -> ReviewOut:
    review = await service_reviews.decide_review(session, principal, review_id, False, body)
    await session.commit()
    return review_out(review)
