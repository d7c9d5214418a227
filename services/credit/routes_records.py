"""HTTP routes: credit records, the explained grade, risk, and the credit check before acting."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.credit import service_grading as grading
from services.credit import service_records as records
from services.credit.models import CreditRecord
from services.credit.routes import UsccPath
from services.credit.schemas_records import (
    ContributionOut,
    GradeOut,
    MeasureOut,
    MeasuresOut,
    RecordCreate,
    RecordKind,
    RecordOut,
    RecordPage,
    RiskOut,
)
from services.credit.service import require_role
from services.credit.service_subjects import lists_of
from shared.app import problem_responses
from shared.errors import Forbidden
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter()
DEPARTMENT_ROLES = ("inspector", "case_officer", "legal_reviewer", "credit_officer", "auditor", "admin")


def record_out(r: CreditRecord) -> RecordOut:
    return RecordOut(
        id=r.id, uscc=r.uscc, kind=r.kind, department=r.department, matter_code=r.matter_code,
        legal_basis=r.legal_basis, decision_date=r.decision_date, summary=r.summary, severity=r.severity,
        outcome=r.outcome, penalty_kind=r.penalty_kind, amount=r.amount, restriction_end=r.restriction_end,
        publicity_start=r.publicity_start, publicity_end=r.publicity_end,
        publicity_rule_version=r.publicity_rule_version, status=r.status, status_on=r.status_on,
        under_objection=r.under_objection, source_ref=r.source_ref)


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


@router.get("/subjects/{uscc}/grade", tags=["grades"], summary="Explain a subject's grade",
            description="The A-D grade computed today with every contributing record and its weight, the rule "
                        "set version, list effects, and what would change the grade. `stored_grade` is the grade "
                        "kept on the subject since its last regrade.", responses=problem_responses(404, 422))
async def explain_grade(uscc: UsccPath, session: SnapshotSessionDep) -> GradeOut:
    report = await grading.explain_grade(session, uscc)
    e, rows = report.explanation, report.records
    contributions = []
    for c in e.contributions:
        row = rows.get(c.record_id) if c.record_id else None
        contributions.append(ContributionOut(record_id=c.record_id, kind=c.kind, weight=c.weight, reason=c.reason,
                                             department=row.department if row else None,
                                             decision_date=row.decision_date if row else None))
    return GradeOut(uscc=report.subject.uscc, grade=e.grade, score=e.score, score_grade=e.score_grade,
                    rule_set_version=e.rule_set_version, as_of=e.as_of, contributions=contributions,
                    list_effects=list(e.list_effects), what_would_change=list(e.what_would_change),
                    stored_grade=report.subject.grade, graded_on=report.subject.graded_on)


@router.get("/subjects/{uscc}/risk", tags=["grades"], summary="Explain a subject's risk score",
            description="Risk early warning score with one reason per contributing factor, the level, whether "
                        "it is at or above the alert threshold, and the model version. Departments only.",
            responses=problem_responses(403, 404, 422))
async def explain_risk(uscc: UsccPath, session: SnapshotSessionDep, principal: PrincipalDep) -> RiskOut:
    require_role(principal, *DEPARTMENT_ROLES)
    subject, r = await grading.explain_risk(session, uscc)
    return RiskOut(uscc=subject.uscc, score=r.score, level=r.level, alert=r.alert, reasons=list(r.reasons),
                   model_version=r.model_version, as_of=grading.shanghai_today())


@router.get("/subjects/{uscc}/measures", tags=["grades"], summary="Credit check before acting",
            description="Joint reward and punishment measures in force for the subject today, each with the list "
                        "or record that triggers it and its legal basis. Any department role may call.",
            responses=problem_responses(401, 403, 404, 422))
async def check_measures(uscc: UsccPath, session: SnapshotSessionDep, principal: PrincipalDep) -> MeasuresOut:
    if principal.is_public:
        raise Forbidden("the credit check before acting is for departments: send a department credential")
    require_role(principal, *DEPARTMENT_ROLES)
    subject, measures, as_of = await grading.measures_for(session, uscc)
    lists = await lists_of(session, [subject.uscc])
    return MeasuresOut(uscc=subject.uscc, name=subject.name, as_of=as_of, grade=subject.grade,
                       lists=lists[subject.uscc],
                       measures=[MeasureOut(code=m.code, kind=m.kind, description=m.description, basis=m.basis,
                                            trigger=m.trigger) for m in measures])
