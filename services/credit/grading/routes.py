"""HTTP routes: the explained grade, risk, and the credit check before acting."""

from __future__ import annotations

from fastapi import APIRouter

from services.credit.grading import service as grading
from services.credit.grading.schemas import (
    ContributionOut,
    GradeOut,
    MeasureOut,
    MeasuresOut,
    RiskOut,
)
from services.credit.subjects.routes import UsccPath
from services.credit.subjects.service import (
    DEPARTMENT_ROLES,
    lists_of,
    require_role,
    subject_or_404,
)
from shared.app import problem_responses
from shared.errors import Forbidden
from shared.web import PrincipalDep, SnapshotSessionDep

router = APIRouter()


@router.get("/subjects/{uscc}/grade", tags=["grades"], summary="Explain a subject's grade",
            description="The A-D grade computed today with every contributing record and its weight, the rule "
                        "set version, list effects, and what would change the grade. `stored_grade` is the grade "
                        "kept on the subject since its last regrade.", responses=problem_responses(404, 422))
async def explain_grade(uscc: UsccPath, session: SnapshotSessionDep) -> GradeOut:
    report = await grading.explain_grade(session, await subject_or_404(session, uscc))
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
    subject = await subject_or_404(session, uscc)
    r = await grading.explain_risk(session, subject)
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
    subject = await subject_or_404(session, uscc)
    measures, as_of = await grading.measures_for(session, subject)
    lists = await lists_of(session, [subject.uscc])
    return MeasuresOut(uscc=subject.uscc, name=subject.name, as_of=as_of, grade=subject.grade,
                       lists=lists[subject.uscc],
                       measures=[MeasureOut(code=m.code, kind=m.kind, description=m.description, basis=m.basis,
                                            trigger=m.trigger) for m in measures])
