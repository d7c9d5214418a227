"""One list, two databases: inspection items, the inspection object read model, inspectors.

Also who acts for a department (the item list and the inspectors are each department's own;
every sub-domain checks its callers here) and the dates every use case stamps.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from services.inspection.directory.repository import LIST_FLAGS, DirectoryRepository
from services.inspection.directory.schemas import (
    InspectorIn,
    InspectorPatch,
    ItemIn,
    ItemPatch,
)
from services.inspection.models import (
    InspectionItem,
    InspectionObject,
    InspectorRecord,
    ListMembership,
    catalogue,
)
from services.inspection.rules.assignment import Inspector
from shared.auth import Principal
from shared.catalogue.readmodel import require_authority
from shared.clock import shanghai_today
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

# Roles that run a department's inspection work (item list, plans, key inspections).
SETUP_ROLES = ("admin", "inspector")


# ---------------------------------------------------------------------- who acts, and when


def now() -> datetime:
    return datetime.now(UTC)


today = shanghai_today


def acting_department(principal: Principal, *roles: str) -> str:
    """The caller's department, when it is a department principal holding one of `roles`."""
    if principal.is_public or principal.kind != "department" or not principal.department:
        raise Forbidden("this action needs a department credential")
    if roles and not principal.has_role(*roles):
        raise Forbidden(f"this action needs the role {' or '.join(roles)}", missing_role=list(roles))
    return principal.department


def reading_department(principal: Principal) -> str:
    """Departments (and service accounts) read the databases; the public does not."""
    if principal.is_public or not principal.department:
        raise Forbidden("this resource is for departments: use a department credential")
    return principal.department


# ---------------------------------------------------------------------- inspection items


async def create_item(repo: DirectoryRepository, principal: Principal, body: ItemIn) -> InspectionItem:
    dept = acting_department(principal, *SETUP_ROLES)
    await _check_matter(repo, principal, body.matter_code)
    if await repo.item_by_code(body.code) is not None:
        raise Conflict(f"an inspection item with code {body.code} exists", code=body.code)
    at = now()
    item = InspectionItem(id=new_id(), department=dept, active=True, created_at=at, updated_at=at,
                          **body.model_dump(include={"code", *ITEM_FIELDS}))
    await repo.add(item)
    return item


async def update_item(repo: DirectoryRepository, principal: Principal, item_id: str,
                      patch: ItemPatch) -> InspectionItem:
    changes = patch.model_dump(exclude_unset=True)
    item = await _own_item(repo, principal, item_id)
    if "matter_code" in changes:
        await _check_matter(repo, principal, changes["matter_code"])
    for k in ITEM_FIELDS + ("active",):
        if k in changes and changes[k] is not None:
            setattr(item, k, changes[k])
    item.updated_at = now()
    await repo.session.flush()
    return item


async def retire_item(repo: DirectoryRepository, principal: Principal, item_id: str) -> InspectionItem:
    """Items are retired, not erased: plans and results that used them keep pointing at them."""
    item = await _own_item(repo, principal, item_id)
    item.active = False
    item.updated_at = now()
    await repo.session.flush()
    return item


async def get_item(repo: DirectoryRepository, item_id: str) -> InspectionItem:
    item = await repo.item(item_id)
    if item is None:
        raise NotFound(f"no inspection item {item_id}")
    return item


async def list_items(repo: DirectoryRepository, *, department: str | None, kind: str | None, after: str | None,
                     limit: int) -> list[InspectionItem]:
    """The public item lists, of every department or of one; limit + 1 rows tell whether more follow."""
    return await repo.list_items(department=department, kind=kind, after=after, limit=limit)


async def _own_item(repo: DirectoryRepository, principal: Principal, item_id: str) -> InspectionItem:
    dept = acting_department(principal, *SETUP_ROLES)
    item = await get_item(repo, item_id)
    if item.department != dept:
        raise Forbidden(f"item {item.code} belongs to department {item.department}: only it edits its list")
    return item


async def _check_matter(repo: DirectoryRepository, principal: Principal, matter_code: str | None) -> None:
    # "Whoever approves supervises": a department lists items only for its own supervision matters (or
    # matters entrusted to it for inspection), as the catalogue in force today has them.
    if matter_code:
        day = shanghai_today()
        require_authority(await catalogue.in_force(repo.session, day), principal, matter_code, day,
                          power="inspection")


# ---------------------------------------------------------------------- inspection objects (read model)


async def get_object(repo: DirectoryRepository, principal: Principal, uscc: str) -> InspectionObject:
    reading_department(principal)
    obj = await repo.object(uscc)
    if obj is None:
        raise NotFound(f"no inspection object {uscc}")
    return obj


async def list_objects(repo: DirectoryRepository, *, district: str | None, grade: str | None,
                       list_kind: str | None, after: str | None, limit: int) -> list[InspectionObject]:
    return await repo.list_objects(district=district, grade=grade, list_kind=list_kind, after=after, limit=limit)


async def _object_or_stub(repo: DirectoryRepository, uscc: str) -> InspectionObject:
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


async def apply_subject(repo: DirectoryRepository, p: SubjectRegistered, at: datetime | None = None) -> InspectionObject:
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


async def apply_deregistration(repo: DirectoryRepository, p: SubjectDeregistered) -> None:
    obj = await _object_or_stub(repo, p.uscc)
    obj.status, obj.updated_at = p.status, now()
    await repo.session.flush()


async def apply_grade(repo: DirectoryRepository, p: GradeChanged, at: datetime | None = None) -> None:
    obj = await _object_or_stub(repo, p.uscc)
    if obj.grade_as_of is not None and (p.as_of < obj.grade_as_of or (
            p.as_of == obj.grade_as_of and not _not_older(at, obj.grade_at))):
        return  # an older grade arriving late never overwrites a newer one (same day: the later emitted wins)
    obj.grade, obj.grade_as_of, obj.grade_at, obj.updated_at = p.grade, p.as_of, at, now()
    await repo.session.flush()


async def apply_list_entry(repo: DirectoryRepository, p: ListEntered) -> None:
    obj = await _object_or_stub(repo, p.uscc)
    entry = await repo.membership(p.entry_id)
    if entry is None:
        await repo.add(ListMembership(entry_id=p.entry_id, uscc=p.uscc, list_kind=p.list_kind,
                                      entered_on=p.entered_on))
    else:  # the exit came first and guessed the entry from itself: the entry knows better
        entry.list_kind, entry.entered_on = p.list_kind, p.entered_on
    await _refresh_list_flags(repo, obj)


async def apply_list_exit(repo: DirectoryRepository, p: ListExited) -> None:
    obj = await _object_or_stub(repo, p.uscc)
    entry = await repo.membership(p.entry_id)
    if entry is None:
        entry = ListMembership(entry_id=p.entry_id, uscc=p.uscc, list_kind=p.list_kind, entered_on=p.exited_on)
        await repo.add(entry)
    entry.exited_on = p.exited_on
    await repo.session.flush()
    await _refresh_list_flags(repo, obj)


async def _refresh_list_flags(repo: DirectoryRepository, obj: InspectionObject) -> None:
    open_kinds = {m.list_kind for m in await repo.open_memberships(obj.uscc)}
    for kind, column in LIST_FLAGS.items():
        setattr(obj, column, kind in open_kinds)
    obj.updated_at = now()
    await repo.session.flush()


async def apply_risk(repo: DirectoryRepository, p: RiskAlerted, at: datetime | None = None) -> InspectionObject:
    obj = await _object_or_stub(repo, p.uscc)
    if not _not_older(at, obj.risk_at):
        return obj  # an older alert delivered late keeps its task but not the level
    obj.risk_level, obj.risk_score, obj.risk_at, obj.updated_at = p.level, Decimal(str(p.score)), at, now()
    await repo.session.flush()
    return obj


def list_memberships(obj: InspectionObject) -> list[str]:
    return [kind for kind, column in LIST_FLAGS.items() if getattr(obj, column)]


# ---------------------------------------------------------------------- inspectors


async def create_inspector(repo: DirectoryRepository, principal: Principal, body: InspectorIn) -> InspectorRecord:
    dept = acting_department(principal, "admin")
    if await repo.inspector_by_client(body.client_id) is not None:
        raise Conflict(f"client id {body.client_id} already belongs to an inspector", client_id=body.client_id)
    at = now()
    ins = InspectorRecord(id=new_id(), department=dept, client_id=body.client_id, created_at=at, updated_at=at,
                          **body.model_dump(include=set(INSPECTOR_FIELDS)))
    await repo.add(ins)
    return ins


async def update_inspector(repo: DirectoryRepository, principal: Principal, inspector_id: str,
                           patch: InspectorPatch) -> InspectorRecord:
    changes = patch.model_dump(exclude_unset=True)
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


async def get_inspector(repo: DirectoryRepository, principal: Principal, inspector_id: str) -> tuple[InspectorRecord, bool]:
    """The inspector, and whether the caller may see the declared interests (own department's admin)."""
    dept = reading_department(principal)
    ins = await repo.inspector(inspector_id)
    if ins is None:
        raise NotFound(f"no inspector {inspector_id}")
    # Read by id as listed: the department's own inspectors (auditors read any).
    if ins.department != dept and not principal.has_role("auditor"):
        raise Forbidden(f"inspector {inspector_id} belongs to department {ins.department}",
                        rule="read.own_department")
    return ins, ins.department == dept and principal.has_role("admin")


async def list_inspectors(repo: DirectoryRepository, *, department: str, active: bool | None, after: str | None,
                          limit: int) -> list[InspectorRecord]:
    return await repo.list_inspectors(department=department, active=active, after=after, limit=limit)


def inspector_rule(row: InspectorRecord) -> Inspector:
    """An inspector of the database as the assignment rule sees them."""
    return Inspector(id=row.id, department=row.department, qualifications=frozenset(row.qualifications or ()),
                     districts=frozenset(row.districts or ()), active=bool(row.active),
                     interests=frozenset(row.interests or ()))
