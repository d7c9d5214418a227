"""One list, two databases: inspection items, the inspection object read model, inspectors."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from services.inspection.models import (
    InspectionItem,
    InspectionObject,
    InspectorRecord,
    ListMembership,
)
from services.inspection.repository_lists import LIST_FLAGS, ListsRepository
from services.inspection.service_common import (
    SETUP_ROLES,
    acting_department,
    now,
    reading_department,
)
from shared.auth import Principal
from shared.contracts.credit import (
    GradeChanged,
    ListEntered,
    ListExited,
    RiskAlerted,
    SubjectDeregistered,
    SubjectRegistered,
)
from shared.errors import Conflict, Forbidden, NotFound
from shared.ids import new_id

ITEM_FIELDS = ("name", "legal_basis", "method", "kind", "matter_code", "subject_types", "industries")
INSPECTOR_FIELDS = ("name", "qualifications", "districts", "active", "interests")
UNKNOWN, ACTIVE = "unknown", "active"  # a stub's status, a registered subject's


# ---------------------------------------------------------------------- inspection items


async def create_item(repo: ListsRepository, principal: Principal, data: dict[str, Any]) -> InspectionItem:
    dept = acting_department(principal, *SETUP_ROLES)
    _check_matter(principal, data.get("matter_code"))
    if await repo.item_by_code(data["code"]) is not None:
        raise Conflict(f"an inspection item with code {data['code']} exists", code=data["code"])
    at = now()
    item = InspectionItem(id=new_id(), department=dept, active=True, created_at=at, updated_at=at,
                          **{k: data.get(k) for k in ("code", *ITEM_FIELDS)})
    await repo.add(item)
    return item


async def update_item(repo: ListsRepository, principal: Principal, item_id: str,
                      changes: dict[str, Any]) -> InspectionItem:
    item = await _own_item(repo, principal, item_id)
    if "matter_code" in changes:
        _check_matter(principal, changes["matter_code"])
    for k in ITEM_FIELDS + ("active",):
        if k in changes and changes[k] is not None:
            setattr(item, k, changes[k])
    item.updated_at = now()
    await repo.session.flush()
    return item


async def retire_item(repo: ListsRepository, principal: Principal, item_id: str) -> InspectionItem:
    """Items are retired, not erased: plans and results that used them keep pointing at them."""
    item = await _own_item(repo, principal, item_id)
    item.active = False
    item.updated_at = now()
    await repo.session.flush()
    return item


async def get_item(repo: ListsRepository, item_id: str) -> InspectionItem:
    item = await repo.item(item_id)
    if item is None:
        raise NotFound(f"no inspection item {item_id}")
    return item


async def _own_item(repo: ListsRepository, principal: Principal, item_id: str) -> InspectionItem:
    dept = acting_department(principal, *SETUP_ROLES)
    item = await get_item(repo, item_id)
    if item.department != dept:
        raise Forbidden(f"item {item.code} belongs to department {item.department}: only it edits its list")
    return item


def _check_matter(principal: Principal, matter_code: str | None) -> None:
    # "Whoever approves supervises": a department lists items only for its own supervision matters.
    if matter_code and not principal.may_act_on_matter(matter_code):
        raise Forbidden(f"supervision matter {matter_code} is not on your department's matter list",
                        matter_code=matter_code)


# ---------------------------------------------------------------------- inspection objects (read model)


async def get_object(repo: ListsRepository, principal: Principal, uscc: str) -> InspectionObject:
    reading_department(principal)
    obj = await repo.object(uscc)
    if obj is None:
        raise NotFound(f"no inspection object {uscc}")
    return obj


async def _object_or_stub(repo: ListsRepository, uscc: str) -> InspectionObject:
    obj = await repo.object(uscc)
    if obj is None:
        # A grade or list event ahead of the registration: keep it on a stub outside any population.
        obj = InspectionObject(uscc=uscc, name="", subject_type="", district="", industry_code="",
                               status=UNKNOWN, red_list=False, abnormal_list=False,
                               serious_dishonesty_list=False, updated_at=now())
        await repo.add(obj)
    return obj


def _utc(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at  # SQLite drops the zone


def _not_older(at: datetime | None, held: datetime | None) -> bool:
    """Whether an event emitted at `at` may replace what was emitted at `held` (unknown times may)."""
    return at is None or held is None or _utc(at) >= _utc(held)


async def apply_subject(repo: ListsRepository, p: SubjectRegistered, at: datetime | None = None) -> InspectionObject:
    obj = await _object_or_stub(repo, p.uscc)
    if not _not_older(at, obj.profile_at):
        return obj  # an older profile delivered late (a retry) never overwrites a newer one
    obj.name, obj.subject_type, obj.district = p.name, p.subject_type, p.district
    obj.industry_code, obj.updated_at, obj.profile_at = p.industry_code, now(), at or obj.profile_at
    # Credit never brings a deregistered or revoked subject back: a profile handled after the
    # deregistration (a retry reordered them) leaves the subject ended.
    if obj.status in (UNKNOWN, ACTIVE):
        obj.status = p.status
    if obj.grade is None and p.grade is not None:
        obj.grade = p.grade  # the grade at registration; any grade change (dated) replaces it
    await repo.session.flush()
    return obj


async def apply_deregistration(repo: ListsRepository, p: SubjectDeregistered) -> None:
    obj = await _object_or_stub(repo, p.uscc)
    obj.status, obj.updated_at = p.status, now()
    await repo.session.flush()


async def apply_grade(repo: ListsRepository, p: GradeChanged, at: datetime | None = None) -> None:
    obj = await _object_or_stub(repo, p.uscc)
    if obj.grade_as_of is not None and (p.as_of < obj.grade_as_of or (
            p.as_of == obj.grade_as_of and not _not_older(at, obj.grade_at))):
        return  # an older grade arriving late never overwrites a newer one (same day: the later emitted wins)
    obj.grade, obj.grade_as_of, obj.grade_at, obj.updated_at = p.grade, p.as_of, at, now()
    await repo.session.flush()


async def apply_list_entry(repo: ListsRepository, p: ListEntered) -> None:
    obj = await _object_or_stub(repo, p.uscc)
    entry = await repo.membership(p.entry_id)
    if entry is None:
        await repo.add(ListMembership(entry_id=p.entry_id, uscc=p.uscc, list_kind=p.list_kind,
                                      entered_on=p.entered_on))
    else:  # the exit came first and guessed the entry from itself: the entry knows better
        entry.list_kind, entry.entered_on = p.list_kind, p.entered_on
    await _refresh_list_flags(repo, obj)


async def apply_list_exit(repo: ListsRepository, p: ListExited) -> None:
    obj = await _object_or_stub(repo, p.uscc)
    entry = await repo.membership(p.entry_id)
    if entry is None:
        entry = ListMembership(entry_id=p.entry_id, uscc=p.uscc, list_kind=p.list_kind, entered_on=p.exited_on)
        await repo.add(entry)
    entry.exited_on = p.exited_on
    await repo.session.flush()
    await _refresh_list_flags(repo, obj)


async def _refresh_list_flags(repo: ListsRepository, obj: InspectionObject) -> None:
    open_kinds = {m.list_kind for m in await repo.open_memberships(obj.uscc)}
    for kind, column in LIST_FLAGS.items():
        setattr(obj, column, kind in open_kinds)
    obj.updated_at = now()
    await repo.session.flush()


async def apply_risk(repo: ListsRepository, p: RiskAlerted, at: datetime | None = None) -> InspectionObject:
    obj = await _object_or_stub(repo, p.uscc)
    if not _not_older(at, obj.risk_at):
        return obj  # an older alert delivered late keeps its task but not the level
    obj.risk_level, obj.risk_score, obj.risk_at, obj.updated_at = p.level, Decimal(str(p.score)), at, now()
    await repo.session.flush()
    return obj


def list_memberships(obj: InspectionObject) -> list[str]:
    return [kind for kind, column in LIST_FLAGS.items() if getattr(obj, column)]


# ---------------------------------------------------------------------- inspectors


async def create_inspector(repo: ListsRepository, principal: Principal, data: dict[str, Any]) -> InspectorRecord:
    dept = acting_department(principal, "admin")
    if await repo.inspector_by_client(data["client_id"]) is not None:
        raise Conflict(f"client id {data['client_id']} already belongs to an inspector", client_id=data["client_id"])
    at = now()
    ins = InspectorRecord(id=new_id(), department=dept, client_id=data["client_id"], created_at=at, updated_at=at,
                          **{k: data[k] for k in INSPECTOR_FIELDS})
    await repo.add(ins)
    return ins


async def update_inspector(repo: ListsRepository, principal: Principal, inspector_id: str,
                           changes: dict[str, Any]) -> InspectorRecord:
    dept = acting_department(principal, "admin")
    ins = await repo.inspector(inspector_id)
    if ins is None:
        raise NotFound(f"no inspector {inspector_id}")
    if ins.department != dept:
        raise Forbidden(f"inspector {inspector_id} belongs to department {ins.department}")
    for k in INSPECTOR_FIELDS:
        if k in changes and changes[k] is not None:
            setattr(ins, k, changes[k])
    ins.updated_at = now()
    await repo.session.flush()
    return ins


async def get_inspector(repo: ListsRepository, principal: Principal, inspector_id: str) -> tuple[InspectorRecord, bool]:
    """The inspector, and whether the caller may see the declared interests (own department's admin)."""
    dept = reading_department(principal)
    ins = await repo.inspector(inspector_id)
    if ins is None:
        raise NotFound(f"no inspector {inspector_id}")
    return ins, ins.department == dept and principal.has_role("admin")
