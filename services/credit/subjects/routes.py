"""HTTP routes of the subject registry, with bulk import (HTTP only: parse, call the service, commit,
shape the answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import Subject
from services.credit.subjects import bulk_import
from services.credit.subjects import service as subjects
from services.credit.subjects.schemas import (
    USCC_EXAMPLE,
    Deregistration,
    Grade,
    ImportReport,
    ImportRows,
    LegalRepresentative,
    RowError,
    SubjectCreate,
    SubjectOut,
    SubjectPage,
    SubjectStatus,
    SubjectUpdate,
)
from services.credit.subjects.service import personal_id_viewer
from shared.app import problem_responses
from shared.auth import Principal
from shared.contracts.codes import ListKind
from shared.errors import Unprocessable
from shared.identifiers import mask_resident_id
from shared.paging import etag_for
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

UsccPath = Annotated[str, Path(max_length=40, description="USCC of the subject", examples=[USCC_EXAMPLE])]
IMPORT_BATCH_ROWS = 5_000
MAX_IMPORT_BYTES = 64 * 1024 * 1024

router = APIRouter(tags=["subjects"])


def subject_out(s: Subject, whole: bool, lists: list[str]) -> SubjectOut:
    """The subject; the legal representative's ID number whole only when `whole` (personal_id_viewer)."""
    return SubjectOut(
        uscc=s.uscc, name=s.name, subject_type=s.subject_type,
        legal_representative=LegalRepresentative(
            name=s.legal_rep_name, id_number=s.legal_rep_id if whole else mask_resident_id(s.legal_rep_id),
            id_masked=not whole),
        registered_address=s.registered_address, district=s.district, industry_code=s.industry_code,
        industry_risk=s.industry_risk, registered_on=s.registered_on, status=s.status, status_on=s.status_on,
        grade=s.grade, grade_score=float(s.grade_score) if s.grade_score is not None else None,
        grade_version=s.grade_version, graded_on=s.graded_on, lists=lists, version=s.version)


async def _one(session: AsyncSession, s: Subject, principal: Principal) -> SubjectOut:
    lists = await subjects.lists_of(session, [s.uscc])
    return subject_out(s, (await personal_id_viewer(session, principal))(s), lists[s.uscc])


@router.post("/subjects", status_code=201, summary="Register a subject",
             description="Registers a market participant. The USCC is checked (GB 32100-2015: a wrong check "
                         "character is a 422 naming the expected one); the legal representative's identity "
                         "number must be a valid Resident Identity Card number. Role: credit_officer. "
                         "Emits `sup.credit.subject.registered`.",
             responses=problem_responses(403, 409, 422))
async def register_subject(body: SubjectCreate, session: SessionDep, principal: PrincipalDep) -> SubjectOut:
    s = await subjects.register(session, principal, body)
    out = await _one(session, s, principal)
    await session.commit()
    return out


@router.get("/subjects", summary="Search subjects",
            description="Search by USCC, name fragment, district, industry code prefix, grade, list membership "
                        "or status; ordered by USCC, cursor paged. Anyone may search; the legal representative's "
                        "identity number is masked unless the caller is a department credit_officer or auditor.",
            responses=problem_responses(422))
async def search_subjects(
    session: SnapshotSessionDep, principal: PrincipalDep,
    uscc: Annotated[str | None, Query(max_length=18, examples=[USCC_EXAMPLE])] = None,
    name: Annotated[str | None, Query(min_length=1, max_length=100, description="name fragment", examples=["示例"])] = None,
    district: Annotated[str | None, Query(max_length=64, examples=["310101"])] = None,
    industry_code: Annotated[str | None, Query(max_length=8, description="prefix", examples=["F51"])] = None,
    grade: Grade | None = None,
    list_kind: Annotated[ListKind | None, Query(alias="list", description="on this list now")] = None,
    status: SubjectStatus | None = None,
    limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None,
) -> SubjectPage:
    items, next_cursor = await subjects.search(
        session, uscc=uscc, name=name, district=district, industry_code=industry_code, grade=grade,
        list_kind=list_kind, status=status, cursor=cursor, limit=limit)
    lists = await subjects.lists_of(session, [s.uscc for s in items])
    whole = await personal_id_viewer(session, principal)
    return SubjectPage(items=[subject_out(s, whole(s), lists[s.uscc]) for s in items], next_cursor=next_cursor)


@router.get("/subjects/{uscc}", summary="Read a subject", response_model=SubjectOut,
            description="One subject with its current grade and lists. Carries an ETag; send If-None-Match "
                        "for a 304.", responses=problem_responses(404, 422))
async def get_subject(uscc: UsccPath, request: Request, session: SnapshotSessionDep, principal: PrincipalDep) -> Response:
    out = await _one(session, await subjects.subject_or_404(session, uscc), principal)
    body = out.model_dump_json().encode()
    etag = etag_for(body)
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})


@router.patch("/subjects/{uscc}", summary="Update a subject's registration",
              description="Changes the given fields of an active subject; a changed industry code regrades it. "
                          "Role: credit_officer. Emits `sup.credit.subject.updated`.",
              responses=problem_responses(403, 404, 409, 422))
async def update_subject(uscc: UsccPath, body: SubjectUpdate, session: SessionDep,
                         principal: PrincipalDep) -> SubjectOut:
    s = await subjects.update(session, principal, uscc, body)
    out = await _one(session, s, principal)
    await session.commit()
    return out


@router.post("/subjects/{uscc}/deregistration", summary="Deregister or revoke a subject",
             description="Ends an active subject's registration (deregistered, or revoked by the authority). "
                         "Role: credit_officer. Emits `sup.credit.subject.deregistered`.",
             responses=problem_responses(403, 404, 409, 422))
async def deregister_subject(uscc: UsccPath, body: Deregistration, session: SessionDep,
                             principal: PrincipalDep) -> SubjectOut:
    s = await subjects.deregister(session, principal, uscc, body.status, body.effective_on)
    out = await _one(session, s, principal)
    await session.commit()
    return out


_CSV_EXAMPLE = ("uscc,name,subject_type,legal_rep_name,legal_rep_id,registered_address,district,industry_code,"
                "registered_on,status\n91310000MA1FL8TQ10,上海示例贸易有限公司,enterprise,张三,11010519491231002X,"
                "上海市黄浦区中山东一路1号,310101,F5191,2019-03-15,active\n")


@router.post("/subjects/imports", summary="Bulk import subjects",
             description="Loads many subjects from CSV (`text/csv`, header row with the registration fields) or "
                         "JSON (`{\"rows\": [...]}`). Each row is checked on its own: bad rows are reported with "
                         "their row number (the first data row is 1), good rows load. Rows are written in batches "
                         f"of {IMPORT_BATCH_ROWS}, each batch one transaction with its "
                         "`sup.credit.subject.registered` events, so nothing is half-written. "
                         "Role: credit_officer. Up to 100,000 rows a request; use the CLI for more.",
             responses=problem_responses(403, 413, 422),
             openapi_extra={"requestBody": {"required": True, "content": {
                 "text/csv": {"schema": {"type": "string"}, "example": _CSV_EXAMPLE},
                 "application/json": {"schema": ImportRows.model_json_schema(),
                                      "example": {"rows": SubjectCreate.model_config["json_schema_extra"]["examples"]}},
             }}})
async def import_subjects(request: Request, session: SessionDep, principal: PrincipalDep) -> ImportReport:
    subjects.require_role(principal, *subjects.WRITE_ROLES)
    raw = await request.body()
    if len(raw) > MAX_IMPORT_BYTES:
        return _too_large()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("text/csv", "text/plain", "application/csv"):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Unprocessable.field("body", "csv.encoding", "CSV must be UTF-8") from None
        rows = bulk_import.parse_csv(text)
        if len(rows) > 100_000:
            raise Unprocessable.field("body", "import.rows", "at most 100,000 rows a request: use the CLI for more")
    elif content_type == "application/json":
        try:
            rows = ImportRows.model_validate_json(raw).rows
        except ValidationError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]) from None
    else:
        raise Unprocessable.field("header.content-type", "content_type",
                                  "send text/csv or application/json")
    await bulk_import.authorise_import(session, principal, rows)
    report = ImportReport(received=len(rows), loaded=0, rejected=0, batches=0, errors=[])
    today = subjects.shanghai_today()
    for start in range(0, len(rows), IMPORT_BATCH_ROWS):
        batch = await bulk_import.import_batch(session, rows[start : start + IMPORT_BATCH_ROWS], start + 1, today)
        await session.commit()
        report.loaded += batch.loaded
        report.batches += 1
        report.errors.extend(RowError(**e) for e in batch.errors)
    report.rejected = len({e.row for e in report.errors})
    return report


def _too_large() -> Response:
    from shared.app import problem_response

    return problem_response(413, "Body too large", f"at most {MAX_IMPORT_BYTES} bytes: use the CLI for more")
