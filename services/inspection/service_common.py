"""Helpers every inspection use case shares: who may act, today's date, history entries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.inspection.models import HistoryEntry
from shared.auth import Principal
from shared.clock import shanghai_today
from shared.errors import Forbidden
from shared.ids import new_id

# Roles that run a department's inspection work (item list, plans, key inspections).
SETUP_ROLES = ("admin", "inspector")


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


def history_row(step: str, *, uscc: str | None = None, plan_id: str | None = None, actor: str | None = None,
                at: datetime | None = None, **detail: Any) -> dict[str, Any]:
    return {"id": new_id(), "uscc": uscc, "plan_id": plan_id, "step": step, "actor": actor,
            "at": at or now(), "detail": detail}


def history_entry(step: str, **kw: Any) -> HistoryEntry:
    return HistoryEntry(**history_row(step, **kw))
