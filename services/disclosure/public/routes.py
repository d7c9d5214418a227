"""Public read API: search, one record, a subject's history, draws (anonymous, read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from services.disclosure.deps import (
    Authority,
    ClockDep,
    PublicPageSize,
    cached_json,
    checked_uscc,
)
from services.disclosure.models import Publication
from services.disclosure.public import service as public_service
from services.disclosure.public.schemas import (
    DrawEvidenceOut,
    DrawOut,
    GradeView,
    PublicRecord,
    RecordPage,
    SubjectHistory,
)
from services.disclosure.publications.repository import SearchFilters
from services.disclosure.rules.publicity import RecordType
from shared.app import problem_responses
from shared.contracts.dates import IsoDate
from shared.errors import Unprocessable
from shared.web import Cursor, SessionDep, SnapshotSessionDep

router = APIRouter(tags=["public records"])

RecordId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$", description="publication id", examples=[
    "01936f0e-7c1a-7b3e-9f41-5a2c8d9e0b11"])]


def to_public(pub: Publication) -> PublicRecord:
    return PublicRecord(
        id=pub.id, record_type=pub.record_type, title=pub.title, uscc=pub.uscc, subject_name=pub.subject_name,
        authority=pub.authority, district=pub.district, industry_code=pub.industry_code, decided_on=pub.decided_on,
        published_on=pub.published_on, window_end=pub.window_end, on_time=not pub.published_late,
        content=pub.content, record_hash=pub.record_hash, log_index=pub.publish_log_index)


@router.get("/public/records", response_model=RecordPage, summary="Search published records",
            description="Newest first, keyset-paged by cursor. Filters combine: USCC (indexed equality), name "
                        "fragment (trigram index on PostgreSQL), district, industry, record type, authority and "
                        "decision-date range. Without filters the latest page is returned at once (no count, no "
                        "scan). Supports `If-None-Match` (304).",
            responses=problem_responses(422))
async def search_records(
    request: Request, session: SnapshotSessionDep, clock: ClockDep,
    uscc: Annotated[str | None, Query(max_length=18, description="exact USCC", examples=["91310115MA1K4LXY2B"])] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="fragment of the subject's name",
                                   examples=["示例贸易"])] = None,
    district: Annotated[str | None, Query(max_length=12, description="district (GB/T 2260 code)",
                                          examples=["310115"])] = None,
    industry: Annotated[str | None, Query(max_length=12, description="industry code", examples=["F51"])] = None,
    record_type: Annotated[RecordType | None, Query(description="record type")] = None,
    authority: Authority = None,
    date_from: Annotated[IsoDate | None, Query(description="decided on or after", examples=["2026-01-01"])] = None,
    date_to: Annotated[IsoDate | None, Query(description="decided on or before", examples=["2026-12-31"])] = None,
    limit: PublicPageSize = 50, cursor: Cursor = None,
) -> Response:
    if date_from and date_to and date_from > date_to:
        raise Unprocessable.field("query.date_from", "range.order", "date_from is after date_to")
    filters = SearchFilters(uscc=checked_uscc(uscc, "query.uscc"), name=q.strip() if q else None, district=district,
                            industry_code=industry, record_type=record_type.value if record_type else None,
                            authority=authority, date_from=date_from, date_to=date_to)
    page = await public_service.search(session, filters, today=clock.today(), cursor=cursor, limit=limit)
    return cached_json(request, RecordPage(items=[to_public(p) for p in page.items], next_cursor=page.next_cursor))


@router.get("/public/records/{record_id}", response_model=PublicRecord, summary="One published record",
            description="410 Gone once the record has left the public view (the problem names its log entries).",
            responses=problem_responses(404, 410, 422))
async def get_public_record(request: Request, session: SnapshotSessionDep, clock: ClockDep, record_id: RecordId) -> Response:
    pub = await public_service.record(session, record_id, today=clock.today())
    return cached_json(request, to_public(pub))


@router.get("/public/subjects/{uscc}", response_model=SubjectHistory, summary="A subject's public history",
            description="Everything now public about one market participant, newest first, with its current "
                        "credit grade where grades are published.", responses=problem_responses(404, 422))
async def get_subject_history(
    request: Request, session: SnapshotSessionDep, clock: ClockDep,
    uscc: Annotated[str, Path(max_length=40, examples=["91310115MA1K4LXY2B"])],
    record_type: Annotated[RecordType | None, Query()] = None,
    limit: PublicPageSize = 50, cursor: Cursor = None,
) -> Response:
    code = checked_uscc(uscc, "path.uscc")
    view = await public_service.subject_history(session, code, today=clock.today(), cursor=cursor, limit=limit,
                                                record_type=record_type.value if record_type else None)
    grade = None
    if request.app.state.settings.publish_grades and view.subject and view.subject.grade:
        grade = GradeView(grade=view.subject.grade, as_of=view.subject.grade_as_of,
                          rule_set_version=view.subject.grade_rule_set_version)
    return cached_json(request, SubjectHistory(
        uscc=view.uscc, name=view.name, district=view.district, industry_code=view.industry_code, grade=grade,
        counts=view.counts, items=[to_public(p) for p in view.page.items], next_cursor=view.page.next_cursor))


@router.get("/public/draws/{plan_id}", response_model=DrawOut, summary="A published inspection draw",
            description="The plan (with its pre-draw seed commitment and population root) and the draw record. "
                        "`seed_matches_commitment`: the draw ran under the commitment logged with the plan, "
                        "checked here; `/public/draws/{plan_id}/evidence` is the log's evidence for "
                        "`supervision verify-draw`; the full recomputation is the inspection service's verify API.",
            responses=problem_responses(404, 422))
async def get_public_draw(
    request: Request, session: SnapshotSessionDep, clock: ClockDep,
    plan_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,120}$")],
) -> Response:
    view = await public_service.draw(session, plan_id, today=clock.today())
    return cached_json(request, DrawOut(
        plan_id=plan_id, plan=to_public(view.plan) if view.plan else None,
        draw=to_public(view.draw) if view.draw else None, seed=view.seed,
        seed_matches_commitment=view.seed_matches_commitment, population_root_matches_plan=view.root_matches_plan,
        selected=view.selected))


@router.get("/public/draws/{plan_id}/evidence", response_model=DrawEvidenceOut, summary="The log's evidence for a draw",
            description="Everything `supervision verify-draw` needs from the signed log to check a draw from public "
                        "data alone: the plan's and the draw's publications with their log entries, the latest "
                        "signed tree head, an inclusion proof of each entry in it and the signing key. With `since` "
                        "(the size of a tree head you saved earlier) also the consistency proof from that head to "
                        "this one. Save the answer to verify offline: `supervision verify-draw PLAN --file "
                        "record.json --evidence evidence.json --key key.json`.",
            responses=problem_responses(404, 422))
async def get_draw_evidence(
    request: Request, session: SessionDep, clock: ClockDep,
    plan_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,120}$")],
    since: Annotated[int | None, Query(ge=0, le=2**53 - 1, description="size of a tree head saved earlier")] = None,
) -> Response:
    evidence = await public_service.draw_evidence(session, plan_id, today=clock.today(), now=clock.now(), since=since)
    await session.commit()
    return cached_json(request, DrawEvidenceOut(**evidence), max_age=0)
