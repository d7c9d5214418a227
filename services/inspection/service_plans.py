"""Plans: creation (single or joint), commitment (seed hash + population root) and the draw."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from services.inspection import service_draw
from services.inspection.models import Draw, Plan, PlanDepartment
from services.inspection.repository_lists import ListsRepository, scope_filter
from services.inspection.repository_plans import PlansRepository
from services.inspection.rules.assignment import Inspector
from services.inspection.rules.draw import draw_strata, population_root, seed_commitment
from services.inspection.rules.ratios import (
    GRADES,
    UNGRADED,
    RatioTable,
    find_ratio_table,
    ratio_table_in_force,
    with_plan_overrides,
)
from services.inspection.rules.verify import to_published_record
from services.inspection.service_common import (
    SETUP_ROLES,
    acting_department,
    history_entry,
    now,
    reading_department,
    today,
)
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.contracts.inspection import DrawCompleted, PlanPublished
from shared.errors import Conflict, Forbidden, InvalidState, NotFound, Unprocessable
from shared.ids import new_id, new_ids

T = TypeVar("T")
U = TypeVar("U")

# NATS refuses messages above 1 MB: a draw record larger than this travels without its bulk
# (population first, then the selections); the full record is always at /public/draws/{plan_id}.
EVENT_RECORD_MAX_BYTES = 700_000
EVENT_POPULATION_MAX = 20_000  # larger populations never fit: not even read for the event


async def create_plan(plans: PlansRepository, lists: ListsRepository, principal: Principal,
                      data: dict[str, Any]) -> Plan:
    lead = acting_department(principal, *SETUP_ROLES)
    partners = [d for d in dict.fromkeys(data.get("partner_departments") or []) if d != lead]
    departments = [lead, *partners]
    if data["period_end"] < data["period_start"]:
        raise Unprocessable.field("body.period_end", "plan.period.order", "the period ends before it starts")
    items = await lists.items_by_ids(data["item_ids"])
    found = {i.id: i for i in items}
    missing = [i for i in data["item_ids"] if i not in found]
    if missing:
        raise Unprocessable.field("body.item_ids", "plan.items.unknown", f"unknown inspection items: {', '.join(missing)}")
    items = [found[i] for i in dict.fromkeys(data["item_ids"])]
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
        table = with_plan_overrides(ratio_table_in_force(data["period_start"]), data.get("ratio_overrides"))
    except (LookupError, ValueError) as exc:
        raise Unprocessable.field("body.ratio_overrides", "plan.ratios", str(exc)) from None
    plan = Plan(
        id=new_id(), name=data["name"], lead_department=lead, departments=departments,
        item_ids=[i.id for i in items], item_codes=[i.code for i in items], scope=data.get("scope") or {},
        period_start=data["period_start"], period_end=data["period_end"], ratio_version=table.version,
        ratio_overrides={k: str(v) for k, v in table.overrides.items()}, ratios=effective_ratios(table),
        full_coverage=kinds == {"key"}, publicity_check=bool(data.get("publicity_check")),
        required_qualifications=sorted(set(data.get("required_qualifications") or [])),
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


async def _lead_plan(plans: PlansRepository, principal: Principal, plan_id: str) -> Plan:
    dept = acting_department(principal, *SETUP_ROLES)
    plan = await plans.plan(plan_id, for_update=True)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    if plan.lead_department != dept:
        raise Forbidden(f"only the lead department {plan.lead_department} runs this plan's commitment and draw")
    return plan


def _eligibility(plan: Plan, items: list[Any]) -> tuple[list[str] | None, list[str] | None]:
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


async def commit_plan(plans: PlansRepository, lists: ListsRepository, principal: Principal, plan_id: str) -> Plan:
    """Freeze the population, publish its Merkle root and the seed commitment (the seed stays secret)."""
    with service_draw.cycle_collection_paused():
        return await _commit_plan(plans, lists, principal, plan_id)


async def _commit_plan(plans: PlansRepository, lists: ListsRepository, principal: Principal, plan_id: str) -> Plan:
    plan = await _lead_plan(plans, principal, plan_id)
    if plan.status != "draft":
        raise InvalidState(f"plan is {plan.status}; only a draft plan is committed", current_state=plan.status,
                           allowed=["draft"])
    types, industries = _eligibility(plan, await lists.items_by_ids(plan.item_ids))
    if types == [] or industries == []:
        raise Unprocessable.field("body.scope", "plan.population.empty",
                                  "the scope and the items' applicable subject types/industries do not overlap")
    await plans.freeze_population(plan.id, scope_filter(plan.scope or {}, types, industries))
    members = await plans.population(plan.id)
    if not members:
        raise Unprocessable.field("body.scope", "plan.population.empty", "no active inspection object is in scope")
    seed = os.urandom(32)
    plan.seed_hex, plan.seed_commitment = seed.hex(), seed_commitment(seed)
    plan.population_root, plan.population_count = population_root([m.uscc for m in members]), len(members)
    # The same frozen population once more, per stratum: what the draw reads (see PopulationStratum).
    await plans.add_all(service_draw.stratum_rows(plan.id, service_draw.group_population(members)))
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
        population_size=plan.population_count, joint=len(plan.departments) > 1,
    ), subject=plan.id)
    return plan


def inspector_rule(row: Any) -> Inspector:
    return Inspector(id=row.id, department=row.department, qualifications=frozenset(row.qualifications or ()),
                     districts=frozenset(row.districts or ()), active=bool(row.active),
                     interests=frozenset(row.interests or ()))


async def draw_plan(plans: PlansRepository, lists: ListsRepository, principal: Principal, plan_id: str) -> Draw:
    """Reveal the seed, draw per stratum, assign inspectors, store and publish the record."""
    with service_draw.cycle_collection_paused():
        return await _draw_plan(plans, lists, principal, plan_id)


async def _draw_plan(plans: PlansRepository, lists: ListsRepository, principal: Principal, plan_id: str) -> Draw:
    plan = await _lead_plan(plans, principal, plan_id)
    if plan.status == "drawn" or await plans.draw(plan.id) is not None:
        raise Conflict("this plan was drawn already; a draw is never run twice", current_state="drawn")
    if plan.status != "committed":
        raise InvalidState("commit the plan (seed commitment and population root) before the draw",
                           current_state=plan.status, allowed=["committed"])
    seed = bytes.fromhex(plan.seed_hex or "")
    strata = service_draw.from_stratum_rows(await plans.population_strata(plan.id))
    if not strata:  # committed before the population was also stored per stratum
        strata = service_draw.group_population(await plans.population(plan.id))
    if sum(len(s.codes) for s in strata) != plan.population_count:
        raise Conflict("the frozen population no longer matches its published count; the draw is refused")
    ranker = service_draw.TwoProcessRanker()
    # The computations run in a thread so the service keeps answering meanwhile, and so that the
    # database can work on its own core at the same time (see alongside).
    result = await asyncio.to_thread(
        draw_strata, plan.id, seed, {s.key: s.codes for s in strata}, plan_table(plan),
        population_root=plan.population_root or "", population_count=plan.population_count or 0,
        full_coverage=plan.full_coverage, publicity_check=plan.publicity_check, rank=ranker)

    async def assignment_inputs() -> tuple[list[Inspector], dict[str, list[str]]]:
        rows = await lists.inspectors_of(plan.departments)
        return [inspector_rule(r) for r in rows], await plans.last_inspectors(result.selected)

    (inspectors, last), objects = await alongside(
        assignment_inputs(), service_draw.drawn_subjects, result, strata, ranker.positions)
    del strata
    assignment = await asyncio.to_thread(
        service_draw.assign_in_two_processes, plan.id, seed, objects, inspectors, plan.departments,
        last_inspectors=last, required_qualifications=plan.required_qualifications)
    salt = os.urandom(32)
    at, drawn_on, actor = now(), today(), principal.client_id
    # Each task row is also the stored history of that object's drawing and assignment (read back
    # as the steps "drawn" and "assigned" by GET /objects/{uscc}/history): no second row per object.
    # While the database stores and indexes them, the published record is put together: without
    # the population list, it needs only the drawn subjects (for the excluded sets).
    tasks = service_draw.task_rows(result, assignment.assigned, assignment.unassigned, new_ids(len(objects)))
    _, record = await alongside(
        plans.add_random_tasks(tasks, plan_id=plan.id, departments=plan.departments, item_ids=plan.item_ids,
                               created_by=actor, created_at=at),
        lambda: to_published_record(
            result, seed, objects, assignment=assignment, inspectors=inspectors, departments=plan.departments,
            required_qualifications=plan.required_qualifications, last_inspectors=last, interest_salt=salt,
            include_population=False))
    record["plan"] = plan_summary(plan)
    draw = Draw(plan_id=plan.id, record=record, selected_count=len(objects),
                unassigned=dict(assignment.unassigned), interest_salt_hex=salt.hex(),
                interests_snapshot={i.id: sorted(i.interests) for i in inspectors if i.interests},
                drawn_on=drawn_on, created_at=at)
    await plans.add_draw(draw)
    plan.status, plan.drawn_at, plan.version = "drawn", at, plan.version + 1
    await plans.add(history_entry("draw_completed", plan_id=plan.id, actor=actor, at=at,
                                  selected=len(objects), unassigned=len(assignment.unassigned)))
    small = plan.population_count is not None and plan.population_count <= EVENT_POPULATION_MAX
    await add_event(plans.session, DrawCompleted(
        plan_id=plan.id, plan_name=plan.name, departments=plan.departments, selected_count=len(objects),
        drawn_on=drawn_on, record=event_record(record, await plans.population(plan.id) if small else None),
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


def population_json(rows: list[Any]) -> list[dict[str, Any]]:
    """Population entries in the published record's shape (the record lists them in USCC order)."""
    return [{"uscc": r[0], "grade": r[1], "red_list": bool(r[2]), "district": r[3], "group_id": None} for r in rows]


def event_record(record: dict[str, Any], population: list[Any] | None) -> dict[str, Any]:
    """The record for the event: whole when it fits, else without its bulk (population: None if too large)."""
    full = dict(record)
    full["population"] = population_json(population) if population is not None else None
    if full["population"] is not None and len(json.dumps(full)) <= EVENT_RECORD_MAX_BYTES:
        return full
    lean = {k: v for k, v in record.items() if k not in ("population", "assignment", "strata")}
    lean["strata"] = [{k: v for k, v in s.items() if k != "selected"} for s in record["strata"]]
    lean["truncated"] = True
    lean["full_record"] = f"/public/draws/{record['plan_id']}"
    return lean

