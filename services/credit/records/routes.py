"""HTTP routes: credit records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.credit.models import CreditRecord
from services.credit.records import service as records
from services.credit.records.schemas import (
    RecordCreate,
    RecordKind,
    RecordOut,
    RecordPage,
)
from services.credit.subjects.routes import UsccPath
from services.credit.subjects.service import DEPARTMENT_ROLES, require_role
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


def record_out(r: CreditRecord) -> RecordOut:
    return RecordOut(
        id=r.id, uscc=r.uscc, kind=r.kind, department=r.department, matter_code=r.matter_code,
        legal_basis=r.legal_basis, decision_date=r.decision_date, summary=r.summary, severity=r.severity,
        outcome=r.outcome, penalty_kind=r.penalty_kind, amount=r.amount, restriction_end=r.restriction_end,
        publicity_start=r.publicity_start, publicity_end=r.publicity_end,
        publicity_rule_version=r.publicity_rule_version, status=r.status, status_on=r.status_on,
        under_objection=r.under_objection, source_ref=r.source_ref, acting_body=r.acting_body)


@router.post("/subjects/{uscc}/records", status_code=201, tags=["records"], summary="File a credit record",
             description="A department files a record on a matter of its own supervision matter list (else 403 "
                         "naming the matter). Penalties get their publicity window from the publicity rules "
                         "(warnings are not published; circulated criticism or small fines 3 months; otherwise "
                         "3 years). Roles: credit_officer, case_officer, inspector. Emits "
                         "`sup.credit.record.added`; the subject is regraded.",
             responses=problem_responses(403, 404, 422))
async def add_credit_record(uscc: UsccPath, body: RecordCreate, session: SessionDep,
                            principal: PrincipalDep) -> RecordOut:
    record = await records.add_record(session, principal, uscc, body)
    out = record_out(record)
    await session.commit()
    return out


@router.get("/subjects/{uscc}/records", tags=["records"], summary="List a subject's credit records",
            description="Newest first. The public sees records in publicity today (active, window open); "
                        "departments see the whole file. Negative information is not provided 5 years after "
                        "the decision.", responses=problem_responses(404, 422))
async def list_credit_records(
    uscc: UsccPath, session: SnapshotSessionDep, principal: PrincipalDep,
    kind: Annotated[list[RecordKind] | None, Query(description="filter by kind (repeatable)",
                                                            examples=[["penalty"]])] = None,
    limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None,
) -> RecordPage:
    items, next_cursor = await records.list_records(session, principal, uscc, kinds=set(kind) if kind else None,
                                                    cursor=cursor, limit=limit)
    return RecordPage(items=[record_out(r) for r in items], next_cursor=next_cursor)


@router.get("/records/{record_id}", tags=["records"], summary="Read a credit record",
            description="One record; departments only (the public reads records through the subject's list).",
            responses=problem_responses(403, 404))
async def get_credit_record(record_id: Annotated[str, Path(max_length=36, examples=["01935c2e-8a4b-7c3d-9e2f-123456789abc"])], session: SnapshotSessionDep,
                            principal: PrincipalDep) -> RecordOut:
    require_role(principal, *DEPARTMENT_ROLES)
    return record_out(await records.get_record(session, record_id))
