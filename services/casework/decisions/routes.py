"""Routes: closing a case, decisions (issue, serve, pay, revoke) and the discretion benchmark."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from services.casework.cases.schemas import USCC, CaseOut, Step
from services.casework.decisions import service as decisions
from services.casework.decisions.schemas import (
    BandOut,
    BenchmarkList,
    BenchmarkTableOut,
    DecisionChange,
    DecisionCreate,
    DecisionOut,
    DecisionPage,
    Payment,
    RecommendationOut,
    RecommendationRequest,
    Revoke,
    Serve,
    ViolationBenchmarkOut,
)
from services.casework.deps import CaseId, after_id, commit_case, next_cursor
from services.casework.models import Decision
from shared.app import problem_responses
from shared.contracts.codes import DepartmentCode
from shared.contracts.dates import LegalDate
from shared.paging import etag_for
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter()
WRITE = problem_responses(403, 404, 409, 422)
DecisionId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]+$")]
ViolationType = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$",
                                    examples=["food_labelling"])]


def decision_out(d: Decision) -> DecisionOut:
    return DecisionOut.model_validate(d, from_attributes=True)


@router.post("/cases/{case_id}/close", tags=["cases"], summary="Close the case",
             description="After service (and payment, where money is owed). Emits sup.casework.case.closed.",
             responses=WRITE)
async def close_case(case_id: CaseId, body: Step, session: SessionDep, principal: PrincipalDep,
                     request: Request) -> CaseOut:
    return await commit_case(session, await decisions.close(session, principal, case_id, body), request)


@router.post("/decisions", status_code=201, tags=["decisions"], summary="Issue a decision",
             description="Refused (409) while the case is not ready for a decision, when a crime is suspected "
                         "(APL art. 27: transfer to judicial organs instead), or when a required legal review has "
                         "not been passed by a reviewer who did not investigate (art. 58). Refused (422) when the "
                         "exemption list forbids a penalty (minor, corrected promptly, no harm: art. 33(1)); a "
                         "waived case must record the education given. Emits sup.casework.decision.issued with a "
                         "decision number such as 沪市监罚〔2026〕123号.", responses=WRITE)
async def issue_decision(body: DecisionCreate, session: SessionDep, principal: PrincipalDep) -> DecisionOut:
    decision = await decisions.issue(session, principal, body)
    await session.commit()
    return decision_out(decision)


@router.get("/decisions", tags=["decisions"], summary="List the department's decisions",
            responses=problem_responses(403, 422))
async def list_decisions(session: SnapshotSessionDep, principal: PrincipalDep, uscc: Annotated[USCC | None, Query()] = None,
                         limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> DecisionPage:
    items = await decisions.list_decisions(session, principal, uscc, after_id(cursor), limit)
    return DecisionPage(items=[decision_out(d) for d in items], next_cursor=next_cursor(items, limit))


@router.get("/decisions/{decision_id}", tags=["decisions"], summary="Read a decision",
            responses=problem_responses(403, 404, 422))
async def get_decision(decision_id: DecisionId, session: SnapshotSessionDep, principal: PrincipalDep,
                       response: Response) -> DecisionOut:
    d = await decisions.get_decision(session, principal, decision_id)
    out = decision_out(d)
    response.headers["ETag"] = etag_for(out.model_dump_json().encode())
    return out


@router.post("/decisions/{decision_id}/serve", tags=["decisions"], summary="Record service of the decision",
             description="Due within 7 working days of the decision (APL arts. 61, 85). Where money is owed, "
                         "execution starts: pay within 15 days (art. 67).", responses=WRITE)
async def serve_decision(decision_id: DecisionId, body: Serve, session: SessionDep,
                         principal: PrincipalDep) -> DecisionOut:
    d = await decisions.serve(session, principal, decision_id, body)
    await session.commit()
    return decision_out(d)


@router.post("/decisions/{decision_id}/pay", tags=["decisions"], summary="Record payment",
             description="The amount must be the fine and confiscation plus the late fee: 3% of the fine a day "
                         "after the last payment day, at most the fine (APL art. 72).", responses=WRITE)
async def record_payment(decision_id: DecisionId, body: Payment, session: SessionDep,
                         principal: PrincipalDep) -> DecisionOut:
    d = await decisions.pay(session, principal, decision_id, body)
    await session.commit()
    return decision_out(d)


@router.post("/decisions/{decision_id}/revoke", tags=["decisions"], summary="Revoke or change a decision",
             description="Emits sup.casework.decision.revoked with the last day (3 working days) to withdraw "
                         "the published decision.", responses=WRITE)
async def revoke_decision(decision_id: DecisionId, body: Revoke, session: SessionDep,
                          principal: PrincipalDep) -> DecisionOut:
    d = await decisions.revoke(session, principal, decision_id, body)
    await session.commit()
    return decision_out(d)


@router.post("/decisions/{decision_id}/change", status_code=201, tags=["decisions"],
             summary="Change a decision: publish its new version",
             description="The decision is replaced by a new version decided on the same case (every gate of a "
                         "decision applies again: rights, hearing, benchmark, legal review). The old one is "
                         "withdrawn from publication within 3 working days; each names the other (`replaces_id`, "
                         "`replaced_by_id`). Emits sup.casework.decision.issued (with `replaces`) and "
                         "sup.casework.decision.revoked (kind `changed`, with `replaced_by`).", responses=WRITE)
async def change_decision(decision_id: DecisionId, body: DecisionChange, session: SessionDep,
                          principal: PrincipalDep) -> DecisionOut:
    d = await decisions.change(session, principal, decision_id, body)
    await session.commit()
    return decision_out(d)


@router.get("/discretion/benchmarks", tags=["discretion"], summary="The published discretion benchmarks",
            description="Public (APL art. 34): each department's benchmark in force on `as_of` (default today): "
                        "its violation types with legal basis, the statutory fine range and the money range of "
                        "each band. A fine outside the statutory range is refused; outside the recommended band "
                        "it needs a stated reason and a passed legal review. `sample: true` marks demo data.",
            responses=problem_responses(422))
async def list_benchmarks(department: Annotated[DepartmentCode | None, Query(examples=["scjgj"])] = None,
                          as_of: Annotated[LegalDate | None, Query()] = None) -> BenchmarkList:
    day, tables = decisions.published_benchmarks(as_of, department)
    return BenchmarkList(as_of=day, items=[BenchmarkTableOut(
        department=t.department, version=t.version, effective=t.effective, sample=t.sample,
        violations=[ViolationBenchmarkOut(
            code=v.code, name=v.name, legal_basis=v.legal_basis, statutory_min=v.statutory.min_amount,
            statutory_max=v.statutory.max_amount,
            bands=[BandOut(band=b.value, min_amount=r.min_amount, max_amount=r.max_amount) for b, r in v.bands.items()])
            for v in t.violations.values()]) for t in tables])


@router.get("/discretion/{violation_type}/recommendation", tags=["discretion"],
            summary="Discretion benchmark recommendation",
            description="Band, money range and reasons for the facts given as query parameters. Public: the "
                        "benchmark is published (APL art. 34). With `uscc`, department callers get the first-"
                        "offence fact from the service's record of decisions.",
            responses=problem_responses(422))
async def recommend_penalty(violation_type: ViolationType, session: SnapshotSessionDep, principal: PrincipalDep,
                            facts: Annotated[RecommendationRequest, Query()]) -> RecommendationOut:
    out = await decisions.recommendation(session, principal, violation_type, facts, facts.uscc, facts.as_of,
                                         "query.as_of")
    return RecommendationOut(**out)


@router.post("/discretion/{violation_type}/recommendation", tags=["discretion"],
             summary="Discretion benchmark recommendation (facts in the body)",
             responses=problem_responses(422))
async def recommend_penalty_for_facts(violation_type: ViolationType, body: RecommendationRequest,
                                      session: SessionDep, principal: PrincipalDep) -> RecommendationOut:
    out = await decisions.recommendation(session, principal, violation_type, body, body.uscc, body.as_of,
                                         "body.as_of")
    return RecommendationOut(**out)
