"""HTTP routes of plans, commitments, draws and their public, verifiable records."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Response
from fastapi.responses import StreamingResponse

from services.inspection.deps import after_from, page, with_etag
from services.inspection.directory.repository import DirectoryRepository
from services.inspection.models import Draw, Plan
from services.inspection.plans import service as svc
from services.inspection.plans.repository import PlansRepository
from services.inspection.plans.schemas import (
    DRAW_RECORD_EXAMPLE,
    AuditRecordOut,
    CommitIn,
    DrawIn,
    DrawSummary,
    MemberEntryOut,
    PlanIn,
    PlanOut,
    PlanPage,
    PopulationEntry,
    PopulationPage,
    PublicPlanOut,
    RevealIn,
    SecretCommitmentIn,
    SeedInputsOut,
    Unassigned,
    VerificationOut,
)
from shared.app import problem_responses
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
public_router = APIRouter(prefix="/public")
PlanId = Path(min_length=1, max_length=36, pattern=r"^[0-9A-Za-z-]+$", description="plan id")


def plan_out(plan: Plan, draw: Draw | None = None) -> PlanOut:
    return PlanOut(
        id=plan.id, name=plan.name, lead_department=plan.lead_department, departments=plan.departments,
        joint=len(plan.departments) > 1, item_ids=plan.item_ids, item_codes=plan.item_codes, scope=plan.scope or {},
        period_start=plan.period_start, period_end=plan.period_end, ratio_version=plan.ratio_version,
        ratio_overrides=plan.ratio_overrides or {}, ratios=plan.ratios, full_coverage=plan.full_coverage,
        publicity_check=plan.publicity_check, required_qualifications=plan.required_qualifications or [],
        status=plan.status, seed_commitment=plan.seed_commitment, population_root=plan.population_root,
        population_count=plan.population_count, committed_at=plan.committed_at, drawn_at=plan.drawn_at,
        selected_count=draw.selected_count if draw else None,
        unassigned=[Unassigned(uscc=u, reason=r) for u, r in sorted((draw.unassigned if draw else {}).items())],
    )


@router.post("/plans", status_code=201, response_model=PlanOut, tags=["plans"],
             responses=problem_responses(401, 403, 422), summary="Create a (joint) random inspection plan",
             description="The caller's department leads; `partner_departments` makes it a joint plan carrying every "
                         "department's items, so each drawn company is visited once. Ratios default to the "
                         "configured table in force at `period_start`; overrides are recorded. Key items mean "
                         "full coverage; red-list subjects are drawn at a reduced ratio.")
async def create_plan(body: PlanIn, session: SessionDep, principal: PrincipalDep) -> PlanOut:
    plan = await svc.create_plan(PlansRepository(session), DirectoryRepository(session), principal, body)
    await session.commit()
    return plan_out(plan)


@router.get("/plans", response_model=PlanPage, tags=["plans"], responses=problem_responses(401, 403, 422),
            summary="Plans the caller's department takes part in")
async def list_plans(session: SnapshotSessionDep, principal: PrincipalDep,
                     status: Literal["draft", "committed", "drawn"] | None = None,
                     limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> dict:
    department = svc.plans_readable_by(principal)
    rows = await svc.list_plans(PlansRepository(session), department=department, status=status,
                                after=after_from(cursor), limit=limit)
    return page(rows, limit, lambda r: r.id, plan_out)


@router.get("/plans/{plan_id}", response_model=PlanOut, tags=["plans"],
            responses=problem_responses(401, 403, 404, 422), summary="One plan, with objects lacking inspectors",
            description="After the draw, `unassigned` lists each object no valid inspector assignment exists for, "
                        "and why.")
async def get_plan(response: Response, session: SnapshotSessionDep, principal: PrincipalDep,
                   plan_id: Annotated[str, PlanId]) -> PlanOut:
    plan, draw = await svc.get_plan(PlansRepository(session), principal, plan_id)
    return with_etag(response, plan_out(plan, draw))


@router.post("/plans/{plan_id}/secret-commitment", response_model=SeedInputsOut, tags=["plans"],
             responses=problem_responses(401, 403, 404, 409, 422),
             summary="Hand in the department's secret commitment (before the commit)",
             description="Each department of the plan (the lead and every partner) picks its own random secret of "
                         "16-64 bytes, keeps it, and hands in only its SHA-256. The draw's seed combines every "
                         "department's secret with a public beacon, so no single party chooses the outcome "
                         "(see the public page /site/draws/protocol).")
async def hand_in_commitment(session: SessionDep, principal: PrincipalDep, plan_id: Annotated[str, PlanId],
                             body: SecretCommitmentIn) -> SeedInputsOut:
    plan = await svc.hand_in_commitment(PlansRepository(session), principal, plan_id, body)
    await session.commit()
    return SeedInputsOut(**svc.seed_inputs_view(plan))


@router.post("/plans/{plan_id}/commit", response_model=PlanOut, tags=["plans"],
             responses=problem_responses(401, 403, 404, 409, 422),
             summary="Freeze the population and publish the plan commitment",
             description="Lead department only. Needs every department's secret commitment (the lead's may come in "
                         "this body) and names the public beacon (source and publication time, after now). "
                         "Publishes the Merkle root over the sorted eligible USCCs and the SHA-256 of the "
                         "commitment document (emits sup.inspection.plan.published; the disclosure log records it).")
async def commit_plan(session: SessionDep, principal: PrincipalDep, plan_id: Annotated[str, PlanId],
                      body: CommitIn) -> PlanOut:
    plan = await svc.commit_plan(PlansRepository(session), DirectoryRepository(session), principal, plan_id, body)
    await session.commit()
    return plan_out(plan)


@router.post("/plans/{plan_id}/reveal", response_model=SeedInputsOut, tags=["plans"],
             responses=problem_responses(401, 403, 404, 409, 422),
             summary="Reveal the department's secret (after the commit, before the beacon)",
             description="Each department reveals the secret whose SHA-256 it handed in. Refused (409) once the "
                         "beacon's publication time has come: from then on whoever has not revealed could compute "
                         "the outcome first.")
async def reveal_secret(session: SessionDep, principal: PrincipalDep, plan_id: Annotated[str, PlanId],
                        body: RevealIn) -> SeedInputsOut:
    plan = await svc.reveal_secret(PlansRepository(session), principal, plan_id, body)
    await session.commit()
    return SeedInputsOut(**svc.seed_inputs_view(plan))


@router.post("/plans/{plan_id}/draw", response_model=DrawSummary, tags=["plans"],
             responses=problem_responses(401, 403, 404, 409, 422), summary="Run the draw (once)",
             description="Lead department only, once the beacon is published and every department has revealed "
                         "its secret (409 naming who is missing otherwise). The lead enters the beacon value; the "
                         "seed is derived from the secrets and the value; draws per (grade, red-list) stratum, "
                         "assigns inspectors (two per object, recusal, not the previous ones), stores the published "
                         "record and emits sup.inspection.draw.completed. A second draw is a 409.")
async def draw_plan(session: SessionDep, principal: PrincipalDep, plan_id: Annotated[str, PlanId],
                    body: DrawIn) -> DrawSummary:
    draw = await svc.draw_plan(PlansRepository(session), DirectoryRepository(session), principal, plan_id, body)
    await session.commit()
    r = draw.record
    return DrawSummary(plan_id=draw.plan_id, drawn_on=draw.drawn_on, selected_count=draw.selected_count,
                       unassigned=[Unassigned(uscc=u, reason=x) for u, x in sorted(draw.unassigned.items())],
                       seed=r["seed"], seed_commitment=r["seed_commitment"], population_root=r["population_root"])


@router.get("/plans/{plan_id}/entries/{uscc}", response_model=MemberEntryOut, tags=["plans"],
            responses=problem_responses(401, 403, 404, 409, 422), summary="A company's salt and tag in the draw",
            description="For the plan's departments (and auditors): the salt to hand to the company so it can check "
                        "its own stratum and rank in the published record (`supervision verify-draw PLAN --file "
                        "record.json --entry USCC --salt SALT`). Grades are internal: the public record names "
                        "companies in strata by tag only.")
async def get_member_entry(session: SnapshotSessionDep, principal: PrincipalDep, plan_id: Annotated[str, PlanId],
                           uscc: Annotated[str, Path(pattern=r"^[0-9A-Z]{18}$", description="the company's USCC")]
                           ) -> MemberEntryOut:
    return MemberEntryOut(**await svc.member_entry(PlansRepository(session), principal, plan_id, uscc))


@router.get("/plans/{plan_id}/audit", response_model=AuditRecordOut, tags=["plans"],
            responses=problem_responses(401, 403, 404, 422), summary="The internal half of a draw record (auditors)",
            description="Auditor role only: the salt key and every member's grade, red-list flag and risk level. "
                        "`supervision verify-draw PLAN --file record.json --audit audit.json` then checks every "
                        "member's stratum and that the drawn companies are those of the selected tags.")
async def get_audit_record(session: SnapshotSessionDep, principal: PrincipalDep,
                           plan_id: Annotated[str, PlanId]) -> AuditRecordOut:
    return AuditRecordOut(**await svc.audit_record(PlansRepository(session), principal, plan_id))


# ---------------------------------------------------------------------- public


@public_router.get("/plans/{plan_id}", response_model=PublicPlanOut, tags=["public"],
                   responses=problem_responses(404, 422), summary="A published plan and its commitments",
                   description="Anonymous. Before the draw: the seed commitment and the population root.")
async def get_public_plan(response: Response, session: SessionDep, plan_id: Annotated[str, PlanId]) -> PublicPlanOut:
    p = await svc.published_plan(PlansRepository(session), plan_id)
    return with_etag(response, PublicPlanOut(
        id=p.id, name=p.name, departments=p.departments, item_codes=p.item_codes, scope=p.scope or {},
        period_start=p.period_start, period_end=p.period_end, ratio_version=p.ratio_version, ratios=p.ratios,
        status=p.status, seed_commitment=p.seed_commitment, population_root=p.population_root,
        population_count=p.population_count, committed_at=p.committed_at, drawn_at=p.drawn_at,
        beacon=(p.seed_inputs or {}).get("beacon"), commitment=(p.seed_inputs or {}).get("document")))


@public_router.get("/plans/{plan_id}/population", response_model=PopulationPage, tags=["public"],
                   responses=problem_responses(404, 422), summary="The frozen eligible population, in USCC order")
async def list_public_population(session: SessionDep, plan_id: Annotated[str, PlanId],
                                 limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> dict:
    plans = PlansRepository(session)
    await svc.published_plan(plans, plan_id)
    rows = await svc.population_page(plans, plan_id, after=after_from(cursor) or "", limit=limit)
    return page(rows, limit, lambda r: r.uscc,
                lambda r: PopulationEntry(uscc=r[0], district=r[3]))


async def _record_chunks(record: dict[str, Any], population: dict[str, list[str]]) -> AsyncIterator[bytes]:
    """The record with its population, one stratum's tags at a time (millions of them)."""
    head = json.dumps(record, separators=(",", ":"))
    yield head[:-1].encode() + b',"population":{'
    for i, (name, tags) in enumerate(population.items()):
        yield (b"," if i else b"") + json.dumps({name: tags}, separators=(",", ":"))[1:-1].encode()
    yield b"}}"


@public_router.get("/draws/{plan_id}", tags=["public"], responses={
    200: {"description": "The published draw record (JSON), verifiable from itself alone",
          "content": {"application/json": {"example": DRAW_RECORD_EXAMPLE}}},
    **problem_responses(404, 422)}, summary="The published draw record",
    description="Anonymous. Plan, seed and the commitment it was derived under, strata (size, ratio, k) with "
                "each stratum's member tags and the selected tags, the drawn companies by USCC (without their "
                "strata: grades are internal), inspector assignment. A company checks its own tag with the salt "
                "its department gives it; an auditor checks the whole population (`supervision verify-draw "
                "--entry/--audit`). Declared interests are not in it: each object lists the inspectors excluded "
                "from it (previous ones and recused ones, reasons withheld) and each inspector a salted "
                "commitment to their declarations.")
async def get_public_draw(session: SessionDep, plan_id: Annotated[str, PlanId]) -> StreamingResponse:
    plans = PlansRepository(session)
    draw = await svc.published_draw(plans, plan_id)
    population = await svc.blinded_population(plans, await svc.published_plan(plans, plan_id))
    etag = etag_for(f"{draw.plan_id}|{draw.created_at.isoformat()}".encode())
    return StreamingResponse(_record_chunks(draw.record, population), media_type="application/json",
                             headers={"ETag": etag})


@public_router.get("/draws/{plan_id}/verification", response_model=VerificationOut, tags=["public"],
                   responses=problem_responses(404, 422), summary="Re-run the verification of a published draw",
                   description="Anonymous. Recomputes commitment, population root, strata, selections and the "
                               "assignment from the published record alone.")
async def verify_public_draw(session: SessionDep, plan_id: Annotated[str, PlanId]) -> VerificationOut:
    result = await svc.verify_published_draw(PlansRepository(session), plan_id)
    return VerificationOut(plan_id=plan_id, ok=result.ok, mismatches=result.mismatches)
