"""Plans: creation (single or joint), commitment (seed hash + population root), the draw and
its public, verifiable record."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from services.inspection.directory.repository import DirectoryRepository, scope_filter
from services.inspection.directory.service import (
    SETUP_ROLES,
    acting_department,
    inspector_rule,
    now,
    reading_department,
    today,
)
from services.inspection.history.service import history_entry
from services.inspection.models import Draw, InspectionItem, Plan, PlanDepartment
from services.inspection.plans import draw as drawing
from services.inspection.plans.repository import PlansRepository
from services.inspection.plans.schemas import (
    CommitIn,
    DrawIn,
    PlanIn,
    RevealIn,
    SecretCommitmentIn,
)
from services.inspection.rules import seed as seeding
from services.inspection.rules.assignment import Inspector
from services.inspection.rules.blinding import (
    member_salt,
    member_tag,
    salt_key_commitment,
)
from services.inspection.rules.draw import draw_strata
from services.inspection.rules.ratios import (
    GRADES,
    UNGRADED,
    RatioTable,
    find_ratio_table,
    ratio_table_in_force,
    with_plan_overrides,
)
from services.inspection.rules.verify import (
    Verification,
    table_json,
    to_published_record,
    verify_draw,
)
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.contracts.inspection import DrawCompleted, PlanPublished
from shared.errors import Conflict, Forbidden, InvalidState, NotFound, Unprocessable
from shared.ids import new_id, new_ids

T = TypeVar("T")
U = TypeVar("U")

# NATS refuses messages above 1 MB: a draw record larger than this travels without its selections;
# the full record is always at /public/draws/{plan_id}.
EVENT_RECORD_MAX_BYTES = 700_000


async def create_plan(plans: PlansRepository, lists: DirectoryRepository, principal: Principal,
                      body: PlanIn) -> Plan:
    lead = acting_department(principal, *SETUP_ROLES)
    partners = [d for d in dict.fromkeys(body.partner_departments) if d != lead]
    departments = [lead, *partners]
    if body.period_end < body.period_start:
        raise Unprocessable.field("body.period_end", "plan.period.order", "the period ends before it starts")
    items = await lists.items_by_ids(body.item_ids)
    found = {i.id: i for i in items}
    missing = [i for i in body.item_ids if i not in found]
    if missing:
        raise Unprocessable.field("body.item_ids", "plan.items.unknown", f"unknown inspection items: {', '.join(missing)}")
    items = [found[i] for i in dict.fromkeys(body.item_ids)]
    for item in items:
        if not item.active:
            raise Unprocessable.field("body.item_ids", "plan.items.retired", f"item {item.code} is retired")
        if item.department not in departments:
            raise Unprocessable.field("body.item_ids", "plan.items.department",
                                      f"item {item.code} belongs to {item.department}, not a department of this plan")
    # A joint plan carries every department's items, so each department must bring at least one.
    idle = [d for d in departments if not any(i.department == d for i in items)]
    if idle:
        raise Unprocessable.field("body.partner_departments", "plan.joint.items",
                                  f"departments without items in this plan: {', '.join(idle)}")
    kinds = {i.kind for i in items}
    if len(kinds) > 1:
        raise Unprocessable.field("body.item_ids", "plan.items.mixed_kinds",
                                  "key items (full coverage) and general items (random ratio) go in separate plans")
    try:
        table = with_plan_overrides(ratio_table_in_force(body.period_start), body.ratio_overrides)
    except (LookupError, ValueError) as exc:
        raise Unprocessable.field("body.ratio_overrides", "plan.ratios", str(exc)) from None
    plan = Plan(
        id=new_id(), name=body.name, lead_department=lead, departments=departments,
        item_ids=[i.id for i in items], item_codes=[i.code for i in items], scope=body.scope.model_dump(),
        period_start=body.period_start, period_end=body.period_end, ratio_version=table.version,
        ratio_overrides={k: str(v) for k, v in table.overrides.items()}, ratios=effective_ratios(table),
        full_coverage=kinds == {"key"}, publicity_check=body.publicity_check,
        required_qualifications=sorted(set(body.required_qualifications)),
        status="draft", created_by=principal.client_id, created_at=now(), version=1,
    )
    await plans.add(plan)
    await plans.add_all([PlanDepartment(plan_id=plan.id, department=d) for d in departments])
    await plans.add(history_entry("planned", plan_id=plan.id, actor=principal.client_id, name=plan.name,
                                  departments=departments, item_codes=plan.item_codes,
                                  ratio_version=plan.ratio_version, ratio_overrides=plan.ratio_overrides))
    return plan


def effective_ratios(table: RatioTable) -> dict[str, str]:
    out = {g: str(table.ratio_for(g)) for g in (*GRADES, UNGRADED)}
    out["red_list_multiplier"] = str(table.red_list_multiplier)
    out.update({f"risk_{level}": str(f) for level, f in table.risk_factors.items()})
    return out


def plan_table(plan: Plan) -> RatioTable:
    base = find_ratio_table(plan.ratio_version)
    if base is None:
        raise Conflict(f"ratio table version {plan.ratio_version} is no longer configured")
    return with_plan_overrides(base, plan.ratio_overrides)


async def get_plan(plans: PlansRepository, principal: Principal, plan_id: str) -> tuple[Plan, Draw | None]:
    dept = reading_department(principal)
    plan = await plans.plan(plan_id)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    if dept not in plan.departments and not principal.has_role("auditor"):
        raise Forbidden(f"plan {plan_id} belongs to {', '.join(plan.departments)}")
    return plan, await plans.draw(plan_id)


def plans_readable_by(principal: Principal) -> str | None:
    """Whose plans the caller lists: its own department's, or every plan for an auditor (None)."""
    dept = reading_department(principal)
    return None if principal.has_role("auditor") else dept


async def list_plans(plans: PlansRepository, *, department: str | None, status: str | None, after: str | None,
                     limit: int) -> list[Plan]:
    return await plans.list_plans(department=department, status=status, after=after, limit=limit)


async def _lead_plan(plans: PlansRepository, principal: Principal, plan_id: str) -> Plan:
    dept = acting_department(principal, *SETUP_ROLES)
    plan = await plans.plan(plan_id, for_update=True)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    if plan.lead_department != dept:
        raise Forbidden(f"only the lead department {plan.lead_department} runs this plan's commitment and draw")
    return plan


def _eligibility(plan: Plan, items: list[InspectionItem]) -> tuple[list[str] | None, list[str] | None]:
    """Subject types and industry prefixes both the scope and the items admit (None: any)."""
    scope = plan.scope or {}
    item_types = None if any(not i.subject_types for i in items) else sorted({t for i in items for t in i.subject_types})
    scope_types = scope.get("subject_types") or None
    if scope_types and item_types:
        types: list[str] | None = sorted(set(scope_types) & set(item_types))
    else:
        types = scope_types or item_types
    item_ind = None if any(not i.industries for i in items) else sorted({x for i in items for x in i.industries})
    scope_ind = scope.get("industries") or None
    if scope_ind and item_ind:  # keep the narrower prefix of each overlapping pair
        industries: list[str] | None = sorted({a if a.startswith(b) else b for a in scope_ind for b in item_ind
                                              if a.startswith(b) or b.startswith(a)})
    else:
        industries = scope_ind or item_ind
    return types, industries


async def _member_plan(plans: PlansRepository, principal: Principal, plan_id: str) -> tuple[Plan, str]:
    """The plan, for update, and the acting department, which must be one of the plan's."""
    dept = acting_department(principal, *SETUP_ROLES)
    plan = await plans.plan(plan_id, for_update=True)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    if dept not in plan.departments:
        raise Forbidden(f"plan {plan_id} belongs to {', '.join(plan.departments)}")
    return plan, dept


def _inputs(plan: Plan) -> dict[str, Any]:
    return dict(plan.seed_inputs or {"commitments": {}, "secrets": {}, "revealed_at": {}})


def seed_inputs_view(plan: Plan) -> dict[str, Any]:
    inputs = _inputs(plan)
    committed, revealed = sorted(inputs["commitments"]), sorted(inputs["secrets"])
    waiting = [d for d in plan.departments if d not in (revealed if plan.status != "draft" else committed)]
    return {"committed": committed, "revealed": revealed, "waiting_for": [] if plan.status == "drawn" else waiting,
            "beacon": inputs.get("beacon")}


async def hand_in_commitment(plans: PlansRepository, principal: Principal, plan_id: str,
                             body: SecretCommitmentIn) -> Plan:
    """A department of the plan hands in SHA-256 of its own secret (before the commit only)."""
    plan, dept = await _member_plan(plans, principal, plan_id)
    if plan.status != "draft":
        raise InvalidState("secret commitments are handed in before the commit", current_state=plan.status,
                           allowed=["draft"])
    inputs = _inputs(plan)
    inputs["commitments"] = {**inputs["commitments"], dept: body.secret_commitment}
    plan.seed_inputs, plan.version = inputs, plan.version + 1
    await plans.add(history_entry("secret_committed", plan_id=plan.id, actor=principal.client_id, department=dept,
                                  secret_commitment=body.secret_commitment))
    return plan


async def reveal_secret(plans: PlansRepository, principal: Principal, plan_id: str, body: RevealIn) -> Plan:
    """A department reveals its secret: after the commit, before the beacon is published (rules/seed.py)."""
    plan, dept = await _member_plan(plans, principal, plan_id)
    if plan.status != "committed":
        raise InvalidState("secrets are revealed between the commit and the draw", current_state=plan.status,
                           allowed=["committed"])
    inputs = _inputs(plan)
    at = now()
    if at >= seeding.beacon_time(inputs["beacon"]):
        raise Conflict(f"the beacon was due at {inputs['beacon']['published_at']}: a secret revealed now could be "
                       "withheld by whoever sees the outcome first (rule draw.reveal.before_beacon)",
                       rule="draw.reveal.before_beacon")
    secret = bytes.fromhex(body.secret)
    if seeding.secret_commitment(secret) != inputs["commitments"].get(dept):
        raise Unprocessable.field("body.secret", "draw.secret.commitment",
                                  f"SHA-256 of this secret is not the commitment {dept} handed in")
    inputs["secrets"] = {**inputs["secrets"], dept: body.secret}
    inputs["revealed_at"] = {**inputs["revealed_at"], dept: at.isoformat()}
    plan.seed_inputs, plan.version = inputs, plan.version + 1
    await plans.add(history_entry("secret_revealed", plan_id=plan.id, actor=principal.client_id, department=dept))
    return plan


async def commit_plan(plans: PlansRepository, lists: DirectoryRepository, principal: Principal, plan_id: str,
                      body: CommitIn) -> Plan:
    """Freeze the population and publish the plan commitment: its Merkle root, every department's secret
    commitment and the beacon named (rules/seed.py). No secret is known to the service yet."""
    with drawing.cycle_collection_paused():
        return await _commit_plan(plans, lists, principal, plan_id, body)


async def _commit_plan(plans: PlansRepository, lists: DirectoryRepository, principal: Principal, plan_id: str,
                       body: CommitIn) -> Plan:
    plan = await _lead_plan(plans, principal, plan_id)
    if plan.status != "draft":
        raise InvalidState(f"plan is {plan.status}; only a draft plan is committed", current_state=plan.status,
                           allowed=["draft"])
    inputs = _inputs(plan)
    if body.secret_commitment is not None:
        inputs["commitments"] = {**inputs["commitments"], plan.lead_department: body.secret_commitment}
    missing = [d for d in plan.departments if d not in inputs["commitments"]]
    if missing:
        raise Conflict(f"no secret commitment yet from {', '.join(missing)}: every department of the plan hands "
                       "one in before the commit (rule draw.seed.every_department)", waiting_for=missing,
                       rule="draw.seed.every_department")
    if body.beacon.published_at.tzinfo is None:
        raise Unprocessable.field("body.beacon.published_at", "draw.beacon.timezone", "give the time zone")
    if body.beacon.published_at <= now():
        raise Unprocessable.field("body.beacon.published_at", "draw.beacon.future",
                                  "the beacon must be published after the commit, so nobody knows it now")
    inputs["beacon"] = seeding.beacon_name(body.beacon.source, body.beacon.published_at)
    types, industries = _eligibility(plan, await lists.items_by_ids(plan.item_ids))
    if types == [] or industries == []:
        raise Unprocessable.field("body.scope", "plan.population.empty",
                                  "the scope and the items' applicable subject types/industries do not overlap")
    await plans.freeze_population(plan.id, scope_filter(plan.scope or {}, types, industries))
    members = await plans.population(plan.id)
    if not members:
        raise Unprocessable.field("body.scope", "plan.population.empty", "no active inspection object is in scope")
    try:
        strata = drawing.group_population(members, plan_table(plan).risk_key)
    except ValueError as exc:  # an object's risk level the ratio table does not know
        raise Conflict(f"the population cannot be stratified: {exc}", rule="plan.population.risk_level") from None
    # Grades stay internal: the root is over each stratum's member tags (rules/blinding.py).
    salt_key = os.urandom(32)
    inputs["salt_key"] = salt_key.hex()
    plan.population_count = len(members)
    plan.population_root = await asyncio.to_thread(drawing.blinded_root_of, strata, salt_key)
    inputs["document"] = seeding.commitment_document(
        plan_id=plan.id, departments=plan.departments, secret_commitments=inputs["commitments"],
        beacon=inputs["beacon"], population_root=plan.population_root, population_count=plan.population_count,
        ratio_table=table_json(plan_table(plan)), full_coverage=plan.full_coverage,
        publicity_check=plan.publicity_check, salt_key_commitment=salt_key_commitment(salt_key))
    plan.seed_inputs, plan.seed_commitment = inputs, seeding.commitment_digest(inputs["document"])
    # The same frozen population once more, per stratum: what the draw reads (see PopulationStratum).
    await plans.add_all(drawing.stratum_rows(plan.id, strata))
    del members
    plan.status, plan.committed_at, plan.version = "committed", now(), plan.version + 1
    await plans.add(history_entry("committed", plan_id=plan.id, actor=principal.client_id,
                                  seed_commitment=plan.seed_commitment, population_root=plan.population_root,
                                  population_count=plan.population_count))
    await add_event(plans.session, PlanPublished(
        plan_id=plan.id, name=plan.name, departments=plan.departments, item_codes=plan.item_codes,
        scope=plan.scope or {}, period_start=plan.period_start, period_end=plan.period_end,
        ratios={k: float(v) for k, v in plan.ratios.items()}, ratio_version=plan.ratio_version,
        seed_commitment=plan.seed_commitment, population_root=plan.population_root,
        population_size=plan.population_count, joint=len(plan.departments) > 1, commitment=inputs["document"],
    ), subject=plan.id)
    return plan


async def draw_plan(plans: PlansRepository, lists: DirectoryRepository, principal: Principal, plan_id: str,
                    body: DrawIn) -> Draw:
    """Derive the seed from every revealed secret and the beacon value, draw per stratum, assign
    inspectors, store and publish the record."""
    with drawing.cycle_collection_paused():
        return await _draw_plan(plans, lists, principal, plan_id, body)


def _draw_seed(plan: Plan, beacon_value: str) -> tuple[bytes, dict[str, bytes]]:
    inputs = _inputs(plan)
    if "document" not in inputs:
        raise Conflict("this plan was committed without the multi-party commitment; it cannot be drawn")
    beacon_at = seeding.beacon_time(inputs["beacon"])
    if now() < beacon_at:
        raise Conflict(f"the beacon is published at {inputs['beacon']['published_at']}; the draw waits for it "
                       "(rule draw.beacon.published)", rule="draw.beacon.published")
    missing = [d for d in plan.departments if d not in inputs["secrets"]]
    if missing:
        raise Conflict(f"not drawable: no secret revealed by {', '.join(missing)} (rule draw.seed.every_department)",
                       waiting_for=missing, rule="draw.seed.every_department")
    secrets = {d: bytes.fromhex(inputs["secrets"][d]) for d in plan.departments}
    try:
        return seeding.derive_seed(inputs["document"], secrets, beacon_value), secrets
    except ValueError as exc:
        raise Unprocessable.field("body.beacon_value", "draw.seed", str(exc)) from None


async def _draw_plan(plans: PlansRepository, lists: DirectoryRepository, principal: Principal, plan_id: str,
                     body: DrawIn) -> Draw:
    plan = await _lead_plan(plans, principal, plan_id)
    if plan.status == "drawn" or await plans.draw(plan.id) is not None:
        raise Conflict("this plan was drawn already; a draw is never run twice", current_state="drawn")
    if plan.status != "committed":
        raise InvalidState("commit the plan (seed commitment and population root) before the draw",
                           current_state=plan.status, allowed=["committed"])
    seed, secrets = _draw_seed(plan, body.beacon_value)
    plan.seed_hex = seed.hex()
    strata = drawing.from_stratum_rows(await plans.population_strata(plan.id))
    if not strata:  # committed before the population was also stored per stratum
        strata = drawing.group_population(await plans.population(plan.id), plan_table(plan).risk_key)
    if sum(len(s.codes) for s in strata) != plan.population_count:
        raise Conflict("the frozen population no longer matches its published count; the draw is refused")
    ranker = drawing.TwoProcessRanker()
    salt_key = bytes.fromhex(_inputs(plan)["salt_key"])
    # The computations run in a thread so the service keeps answering meanwhile, and so that the
    # database can work on its own core at the same time (see alongside). The draw scores the
    # members' tags (rules/blinding.py); ``result`` then names the drawn by USCC again.
    tags = await asyncio.to_thread(drawing.tags_by_stratum, strata, salt_key)
    blind = await asyncio.to_thread(
        draw_strata, plan.id, seed, tags, plan_table(plan),
        population_root=plan.population_root or "", population_count=plan.population_count or 0,
        full_coverage=plan.full_coverage, publicity_check=plan.publicity_check, rank=ranker,
        commitment=plan.seed_commitment or "")
    result, positions = drawing.unblinded(blind, strata, ranker.positions)

    names: dict[str, str] = {}

    async def assignment_inputs() -> tuple[list[Inspector], dict[str, list[str]]]:
        rows = await lists.inspectors_of(plan.departments)
        names.update((r.id, r.name) for r in rows)
        return [inspector_rule(r) for r in rows], await plans.last_inspectors(result.selected)

    (inspectors, last), objects = await alongside(
        assignment_inputs(), drawing.drawn_subjects, result, strata, positions)
    del strata, tags
    assignment = await asyncio.to_thread(
        drawing.assign_in_two_processes, plan.id, seed, objects, inspectors, plan.departments,
        last_inspectors=last, required_qualifications=plan.required_qualifications)
    salt = os.urandom(32)
    at, drawn_on, actor = now(), today(), principal.client_id
    inputs = _inputs(plan)
    # Each task row is also the stored history of that object's drawing and assignment (read back
    # as the steps "drawn" and "assigned" by GET /objects/{uscc}/history): no second row per object.
    # While the database stores and indexes them, the published record is put together: without
    # the population list, it needs only the drawn subjects (for the excluded sets).
    tasks = drawing.task_rows(result, assignment.assigned, assignment.unassigned, new_ids(len(objects)))
    _, record = await alongside(
        plans.add_random_tasks(tasks, plan_id=plan.id, departments=plan.departments, item_ids=plan.item_ids,
                               created_by=actor, created_at=at),
        lambda: to_published_record(
            blind, seed, objects, assignment=assignment, inspectors=inspectors, departments=plan.departments,
            required_qualifications=plan.required_qualifications, last_inspectors=last, interest_salt=salt,
            commitment=inputs["document"], secrets=secrets, inspector_names=names,
            beacon_value=body.beacon_value, drawn_at=at.isoformat()))
    record["reveal"]["revealed_at"] = inputs["revealed_at"]
    record["plan"] = plan_summary(plan)
    draw = Draw(plan_id=plan.id, record=record, selected_count=len(objects),
                unassigned=dict(assignment.unassigned), interest_salt_hex=salt.hex(),
                interests_snapshot={i.id: sorted(i.interests) for i in inspectors if i.interests},
                drawn_on=drawn_on, created_at=at)
    await plans.add_draw(draw)
    plan.status, plan.drawn_at, plan.version = "drawn", at, plan.version + 1
    await plans.add(history_entry("draw_completed", plan_id=plan.id, actor=actor, at=at,
                                  selected=len(objects), unassigned=len(assignment.unassigned)))
    await add_event(plans.session, DrawCompleted(
        plan_id=plan.id, plan_name=plan.name, departments=plan.departments, selected_count=len(objects),
        drawn_on=drawn_on, record=event_record(record),
    ), subject=plan.id)
    return draw


async def alongside(query: Awaitable[T], work: Callable[..., U], *args: Any) -> tuple[T, U]:
    """Run a database call while a pure computation runs in a thread: the database works on its
    own core meanwhile instead of after. If the computation fails, the call is cancelled."""
    pending = asyncio.ensure_future(query)
    try:
        done = await asyncio.to_thread(work, *args)
    except BaseException:
        pending.cancel()
        with contextlib.suppress(BaseException):
            await pending
        raise
    return await pending, done


def plan_summary(plan: Plan) -> dict[str, Any]:
    return {"id": plan.id, "name": plan.name, "departments": plan.departments, "item_codes": plan.item_codes,
            "scope": plan.scope or {}, "period_start": plan.period_start.isoformat(),
            "period_end": plan.period_end.isoformat(), "ratio_overrides": plan.ratio_overrides}


def event_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record for the event, never with the population: its members' grades are internal
    (handbook, credit "Visibility"), and the event is republished by disclosure. Whole when it fits,
    else without the selections and the assignment too; the full record is at /public/draws/{plan_id}."""
    if len(json.dumps(record)) <= EVENT_RECORD_MAX_BYTES:
        return dict(record)
    lean = {k: v for k, v in record.items() if k not in ("assignment", "strata")}
    lean["strata"] = [{k: v for k, v in s.items() if k != "selected"} for s in record["strata"]]
    lean["truncated"] = True
    lean["full_record"] = f"/public/draws/{record['plan_id']}"
    return lean


# ---------------------------------------------------------------------- public records


async def published_plan(plans: PlansRepository, plan_id: str) -> Plan:
    plan = await plans.plan(plan_id)
    if plan is None or plan.status == "draft":
        raise NotFound(f"no published plan {plan_id}")
    return plan


async def population_page(plans: PlansRepository, plan_id: str, *, after: str, limit: int) -> list[Any]:
    """(uscc, grade, red list, district) rows of the frozen population in USCC order, limit + 1 of them."""
    return await plans.population_page(plan_id, after=after, limit=limit)


async def published_draw(plans: PlansRepository, plan_id: str) -> Draw:
    draw = await plans.draw(plan_id)
    if draw is None:
        raise NotFound(f"plan {plan_id} has no draw yet", plan_id=plan_id)
    return draw


async def blinded_population(plans: PlansRepository, plan: Plan) -> dict[str, list[str]]:
    """Each stratum's member tags, ascending, in draw order: the published record's population."""
    strata = drawing.from_stratum_rows(await plans.population_strata(plan.id))
    salt_key = bytes.fromhex(_inputs(plan)["salt_key"])
    return await asyncio.to_thread(drawing.published_tags, strata, salt_key)


async def full_record(plans: PlansRepository, draw: Draw) -> dict[str, Any]:
    plan = await plans.plan(draw.plan_id)
    if plan is None:
        raise NotFound(f"no plan {draw.plan_id}")
    return {**draw.record, "population": await blinded_population(plans, plan)}


async def verify_published_draw(plans: PlansRepository, plan_id: str) -> Verification:
    """Recompute the published draw from its record alone (in a thread: the service keeps answering)."""
    record = await full_record(plans, await published_draw(plans, plan_id))
    return await asyncio.to_thread(verify_draw, record)


async def member_entry(plans: PlansRepository, principal: Principal, plan_id: str, uscc: str) -> dict[str, str]:
    """A member's salt and tag (rules/blinding.py), for its department to hand to the company: with it the
    company checks its own stratum and rank in the published record."""
    plan, _ = await get_plan(plans, principal, plan_id)
    if plan.status == "draft":
        raise InvalidState("the population is frozen at the commit", current_state=plan.status,
                           allowed=["committed", "drawn"])
    if uscc not in {r.uscc for r in await plans.population(plan.id)}:
        raise NotFound(f"{uscc} is not in the population of plan {plan_id}")
    salt = member_salt(bytes.fromhex(_inputs(plan)["salt_key"]), uscc)
    return {"uscc": uscc, "salt": salt.hex(), "tag": member_tag(salt, uscc)}


async def audit_record(plans: PlansRepository, principal: Principal, plan_id: str) -> dict[str, Any]:
    """The internal half of a drawn plan's record, for an auditor: the salt key and every member's grade,
    red-list flag and risk level (what decides its stratum)."""
    if not principal.has_role("auditor"):
        raise Forbidden("the full population with its grades is for auditors (grades are internal)",
                        rule="draw.audit.auditor_only")
    plan, draw = await get_plan(plans, principal, plan_id)
    if draw is None:
        raise NotFound(f"plan {plan_id} has no draw yet")
    return {"plan_id": plan.id, "salt_key": _inputs(plan)["salt_key"],
            "members": [{"uscc": r.uscc, "grade": r.grade, "red_list": bool(r.red_list), "risk_level": r.risk_level}
                        for r in await plans.population(plan.id)]}
