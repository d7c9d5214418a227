"""Use cases shared by every part of the credit service: who may do what, today's date, subjects.

The use cases themselves live beside this module by sub-domain (service_subjects, service_records,
service_grading, service_lists, service_commitments, service_repairs). None of them commits.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import Subject
from services.credit.repository import SubjectRepository
from shared.auth import Principal
from shared.clock import shanghai_today  # noqa: F401 - the credit modules take today from here
from shared.errors import Forbidden, NotFound, Unprocessable
from shared.identifiers import InvalidIdentifier, validate_uscc

WRITE_ROLES = ("credit_officer",)
# Roles that may see a legal representative's identity number whole (personal information).
PERSONAL_ID_ROLES = ("credit_officer", "auditor")


def require_role(principal: Principal, *roles: str) -> str:
    """The caller's department, when it is a department holding one of `roles`; else Forbidden."""
    if principal.is_public or not principal.department:
        raise Forbidden(f"this action needs a department credential with role {' or '.join(roles)}")
    if not principal.has_role(*roles):
        raise Forbidden(f"this action needs role {' or '.join(roles)}", missing_role=list(roles))
    return principal.department


def require_matter(principal: Principal, matter_code: str) -> None:
    # "Whoever approves supervises; whoever is in charge supervises": a department acts only on
    # matters in its own supervision matter list.
    if not principal.may_act_on_matter(matter_code):
        raise Forbidden(f"matter {matter_code} is not in the supervision matter list of department "
                        f"{principal.department}", matter_code=matter_code)


def may_see_personal_id(principal: Principal) -> bool:
    return principal.kind == "department" and bool(principal.department) and principal.has_role(*PERSONAL_ID_ROLES)


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
