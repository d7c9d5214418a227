"""Subject registry: register, update, deregister, search (bulk import: bulk_import.py).

Also what every use case of the credit service starts from: who may act (a department's roles and
its supervision matter list) and the subject named by a USCC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.grading.service import regrade
from services.credit.lists.repository import ListRepository
from services.credit.models import Subject, catalogue
from services.credit.rules.grading import grade_score_fast, rule_set_for
from services.credit.rules.industry import industry_risk
from services.credit.rules.personal_data import (
    PERSONAL_ID_ROLES,
    may_see_full_id_number,
)
from services.credit.rules.risk import assess_risk
from services.credit.subjects.repository import SubjectRepository
from services.credit.subjects.schemas import SubjectCreate, SubjectUpdate
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.catalogue.model import Authority
from shared.catalogue.readmodel import require_authority, require_function
from shared.clock import shanghai_today
from shared.contracts.credit import (
    SubjectDeregistered,
    SubjectRegistered,
    SubjectUpdated,
)
from shared.errors import Conflict, Forbidden, InvalidState, NotFound, Unprocessable
from shared.identifiers import InvalidIdentifier, is_resident_id, validate_uscc
from shared.ids import new_id
from shared.paging import decode_cursor, encode_cursor

WRITE_ROLES = ("credit_officer",)
# Every department role: reading a record, the risk score or the measures in force needs one of them.
DEPARTMENT_ROLES = ("inspector", "case_officer", "legal_reviewer", "credit_officer", "auditor", "admin")


# --- who may act, and on which subject ------------------------------------------------------


def require_role(principal: Principal, *roles: str) -> str:
    """The caller's department, when it is a department holding one of `roles`; else Forbidden."""
    if principal.is_public or not principal.department:
        raise Forbidden(f"this action needs a department credential with role {' or '.join(roles)}")
    if not principal.has_role(*roles):
        raise Forbidden(f"this action needs role {' or '.join(roles)}", missing_role=list(roles))
    return principal.department


async def authority_for(session: AsyncSession, principal: Principal, matter_code: str, on: date, *,
                        district: str | None, power: str | None = None) -> tuple[Authority, str]:
    """(authority, catalogue version) for the caller's act on `matter_code` dated `on`, on a subject in
    `district`: its own matter or an entrusted one, within its territory; 403 naming the rule otherwise."""
    v = await catalogue.in_force(session, on)
    return require_authority(v, principal, matter_code, on, district=district, power=power), v.version


async def require_registration_authority(session: AsyncSession, principal: Principal, *districts: str,
                                         on: date | None = None) -> str:
    """The caller's department when it is the registration authority of every one of `districts`."""
    v = await catalogue.in_force(session, on or shanghai_today())
    department = ""
    for district in districts:
        department = require_function(v, principal, "registration_authority", district=district,
                                      rule="registry.registration_authority_only",
                                      what="the registry is kept by the registration authority")
    return department


def read_scope(principal: Principal, *roles: str) -> str | None:
    """The department whose items the caller reads: its own; None (every department's) for an auditor."""
    department = require_role(principal, *roles, "auditor")
    return None if principal.has_role("auditor") else department


def require_readable(principal: Principal, owner: str, what: str, *roles: str) -> None:
    """A read by id follows the rule of the list it comes from: the owning department's staff and auditors."""
    scope = read_scope(principal, *roles)
    if scope is not None and scope != owner:
        raise Forbidden(f"{what} belongs to department {owner}: only its staff and auditors read it",
                        rule="read.own_department")


async def personal_id_viewer(session: AsyncSession, principal: Principal) -> Callable[[Subject], bool]:
    """Whether the caller sees a subject's legal representative ID number whole: a credit officer of the
    registration authority of the subject's district (as of today's catalogue); everyone else, masked."""
    if principal.kind != "department" or not principal.department or not principal.has_role(*PERSONAL_ID_ROLES):
        return lambda _s: False
    v = await catalogue.in_force(session, shanghai_today())
    department = principal.department
    registers = v.holds(department, "registration_authority")
    return lambda s: may_see_full_id_number(principal.roles, registers and v.covers(department, s.district))


def normalise_uscc(value: str, field: str = "uscc") -> str:
    """The USCC in canonical form, or a 422 naming `field` and the check that failed."""
    try:
        return validate_uscc(value)
    except InvalidIdentifier as exc:
        raise Unprocessable.field(field, exc.rule, exc.message) from None


async def subject_or_404(session: AsyncSession, uscc: str, *, field: str = "uscc",
                         for_update: bool = False) -> Subject:
    code = normalise_uscc(uscc, field)
    subject = await SubjectRepository(session).get(code, for_update=for_update)
    if subject is None:
        raise NotFound(f"no subject with USCC {code}")
    return subject


# --- the registry ---------------------------------------------------------------------------


EVENT_FIELDS = ("uscc", "name", "subject_type", "district", "industry_code", "registered_on", "status", "grade")


@lru_cache(maxsize=64)
def initial_state(risk: str, as_of: date) -> dict[str, Any]:
    """Grade and risk of a subject with no records yet (depends on its industry risk only)."""
    grade, score = grade_score_fast((), (), risk, as_of)
    r = assess_risk((), (), risk, as_of)
    from decimal import Decimal

    return {"grade": grade, "grade_score": Decimal(str(round(score, 2))), "grade_version": rule_set_for(as_of).version,
            "graded_on": as_of, "risk_score": Decimal(str(r.score)), "risk_level": r.level, "risk_alerted": r.alert,
            "risk_version": r.model_version}


def check_identifiers(data: SubjectCreate | SubjectUpdate) -> list[tuple[str, str, str]]:
    """(field, rule, message) for identifiers that fail their statutory checks."""
    errors = []
    if isinstance(data, SubjectCreate):
        try:
            validate_uscc(data.uscc)
        except InvalidIdentifier as exc:
            errors.append(("uscc", exc.rule, exc.message))
    if data.legal_rep_id is not None and not is_resident_id(data.legal_rep_id):
        errors.append(("legal_rep_id", "ric.invalid",
                       "not a valid Resident Identity Card number (GB 11643: birth date, region or check digit)"))
    return errors


@lru_cache(maxsize=4096)
def industry_risk_level(code: str, as_of: date) -> str:
    return industry_risk(code, as_of)[0]


def subject_row(data: SubjectCreate, as_of: date, now: datetime, subject_id: str | None = None) -> dict[str, Any]:
    """The subjects-table row for a new subject (grade and risk of a subject without records)."""
    risk = industry_risk_level(data.industry_code, as_of)
    row = {
        "id": subject_id or new_id(), "uscc": data.uscc.upper(), "name": data.name, "subject_type": data.subject_type,
        "legal_rep_name": data.legal_rep_name, "legal_rep_id": data.legal_rep_id.upper(),
        "registered_address": data.registered_address, "district": data.district,
        "industry_code": data.industry_code, "industry_risk": risk, "registered_on": data.registered_on,
        "status": data.status, "status_on": None, "version": 1, "created_at": now, "updated_at": now,
    }
    row.update(initial_state(risk, as_of))
    return row


def _event_data(row: dict[str, Any]) -> dict[str, Any]:
    data = {k: row[k] for k in EVENT_FIELDS}
    data["registered_on"] = row["registered_on"].isoformat() if row["registered_on"] else None
    return data


async def register(session: AsyncSession, principal: Principal, data: SubjectCreate) -> Subject:
    require_role(principal, *WRITE_ROLES)
    await require_registration_authority(session, principal, data.district)
    errors = check_identifiers(data)
    if errors:
        raise Unprocessable("; ".join(f"{f}: {m}" for f, _, m in errors),
                            errors=[{"field": f, "rule": r, "message": m} for f, r, m in errors])
    repo = SubjectRepository(session)
    uscc = normalise_uscc(data.uscc)
    if await repo.get(uscc) is not None:
        raise Conflict(f"subject {uscc} is already registered", uscc=uscc)
    row = subject_row(data, shanghai_today(), datetime.now(UTC))
    subject = Subject(**row)
    await repo.add(subject)
    # Records filed (or learnt from events) before the registration count from now on.
    await regrade(session, uscc)
    row["grade"] = subject.grade
    await add_event(session, SubjectRegistered.model_validate(_event_data(row)), subject=uscc)
    return subject


def _updated_event(s: Subject) -> SubjectUpdated:
    return SubjectUpdated(uscc=s.uscc, name=s.name, subject_type=s.subject_type, district=s.district,
                          industry_code=s.industry_code, registered_on=s.registered_on, status=s.status, grade=s.grade)


async def update(session: AsyncSession, principal: Principal, uscc: str, patch: SubjectUpdate) -> Subject:
    require_role(principal, *WRITE_ROLES)
    subject = await subject_or_404(session, uscc, for_update=True)
    # A move to another district needs the registration authority of both.
    await require_registration_authority(session, principal, subject.district,
                                         *([patch.district] if patch.district else []))
    if subject.status != "active":
        raise InvalidState(f"subject {subject.uscc} is {subject.status}: its registration can no longer change",
                           current_state=subject.status, allowed=["active"])
    errors = check_identifiers(patch)
    if errors:
        raise Unprocessable("; ".join(f"{f}: {m}" for f, _, m in errors),
                            errors=[{"field": f, "rule": r, "message": m} for f, r, m in errors])
    changes = patch.model_dump(exclude_unset=True, exclude_none=True)
    for name, value in changes.items():
        setattr(subject, name, value.upper() if name == "legal_rep_id" else value)
    if "industry_code" in changes:
        subject.industry_risk, _ = industry_risk(subject.industry_code, shanghai_today())
    subject.version += 1
    subject.updated_at = datetime.now(UTC)
    await session.flush()
    if "industry_code" in changes:
        await regrade(session, subject.uscc)
    await add_event(session, _updated_event(subject), subject=subject.uscc)
    return subject


async def deregister(session: AsyncSession, principal: Principal, uscc: str, status: str,
                     effective_on: date) -> Subject:
    require_role(principal, *WRITE_ROLES)
    subject = await subject_or_404(session, uscc, for_update=True)
    await require_registration_authority(session, principal, subject.district)
    if subject.status != "active":
        raise InvalidState(f"subject {subject.uscc} is already {subject.status}",
                           current_state=subject.status, allowed=["active"])
    if effective_on > shanghai_today():
        raise Unprocessable.field("effective_on", "date.not_future", "a deregistration cannot take effect in the future")
    subject.status, subject.status_on = status, effective_on
    subject.version += 1
    subject.updated_at = datetime.now(UTC)
    await add_event(session, SubjectDeregistered(uscc=subject.uscc, status=status, effective_on=effective_on),
                    subject=subject.uscc)
    return subject


async def search(session: AsyncSession, *, uscc: str | None, name: str | None, district: str | None,
                 industry_code: str | None, grade: str | None, list_kind: str | None, status: str | None,
                 cursor: str | None, limit: int) -> tuple[list[Subject], str | None]:
    position = decode_cursor(cursor) or {}
    code = normalise_uscc(uscc) if uscc else None
    items = await SubjectRepository(session).search(
        uscc=code, name=name, district=district, industry_code=industry_code, grade=grade, list_kind=list_kind,
        status=status, after=position.get("u"), limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return items, (encode_cursor({"u": items[-1].uscc}) if more else None)


async def lists_of(session: AsyncSession, usccs: list[str]) -> dict[str, list[str]]:
    """The lists each subject is on now."""
    found = await ListRepository(session).open_kinds(usccs)
    return {u: sorted(kinds) for u, kinds in found.items()}
