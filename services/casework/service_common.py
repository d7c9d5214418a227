"""What every casework use case shares: today's date, who may act, state moves, the record, clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.casework.models import Case, Decision
from services.casework.repository import CaseRepository
from services.casework.rules.clocks import (
    CollectiveExtension,
    Suspension,
    SuspensionReason,
    decision_clock,
    filing_deadline,
)
from services.casework.rules.workflow import (
    CaseFacts,
    CaseState,
    ForbiddenTransition,
    check_transition,
)
from shared.auth import Principal
from shared.clock import shanghai_today
from shared.errors import Forbidden, InvalidState, Unprocessable
from shared.ids import new_id

S = CaseState

# States in which the 90-day decision clock runs (from filing until the decision).
DECISION_CLOCK_STATES = frozenset({S.FILED, S.INVESTIGATION, S.PRIOR_NOTICE, S.HEARING, S.LEGAL_REVIEW,
                                   S.DECISION_PENDING})
FILING_CLOCK_STATES = frozenset({S.LEAD, S.FILING_REVIEW})


today = shanghai_today


def now() -> datetime:
    return datetime.now(UTC)


def action_date(value: date | None, field: str, *, not_before: date | None = None) -> date:
    """The legal date of a step: today unless given; never in the future, never before the step it follows."""
    day = value or today()
    if day > today():
        raise Unprocessable.field(field, "not_in_future", f"{day} is in the future")
    if not_before is not None and day < not_before:
        raise Unprocessable.field(field, "not_before_previous_step", f"{day} is before {not_before}")
    return day


# ---------------------------------------------------------------------------- who may act


def require_case_officer(principal: Principal, department: str, matter_code: str | None = None) -> None:
    """Writes on a case: a case officer of the case's own department, on one of its matters."""
    if principal.is_public or principal.kind != "department":
        raise Forbidden("this action needs a department credential with role case_officer")
    if not principal.has_role("case_officer"):
        raise Forbidden("this action needs role case_officer")
    if principal.department != department:
        raise Forbidden(f"the case belongs to department {department}, not {principal.department}")
    if matter_code and not principal.may_act_on_matter(matter_code):
        raise Forbidden(f"matter {matter_code} is not one of your department's matters")


def may_read_department(principal: Principal, department: str) -> bool:
    """The handling department's staff, and auditors, read its cases; nobody else."""
    if principal.is_public:
        return False
    if principal.has_role("auditor"):
        return True
    return principal.department == department and principal.has_role(
        "case_officer", "legal_reviewer", "admin")


def require_reader(principal: Principal, department: str) -> None:
    if principal.is_public:
        raise Forbidden("cases are not public: a department credential is required")
    if not may_read_department(principal, department):
        raise Forbidden(f"the case belongs to department {department}; only its staff and auditors may read it")


def readable_department_filter(principal: Principal) -> str | None:
    """Department a list is limited to (None: all, for auditors)."""
    if principal.is_public:
        raise Forbidden("cases are not public: a department credential is required")
    if principal.has_role("auditor"):
        return None
    if not principal.department or not principal.has_role("case_officer", "legal_reviewer", "admin"):
        raise Forbidden("listing cases needs role case_officer, legal_reviewer, admin or auditor")
    return principal.department


# ---------------------------------------------------------------------------- record and moves


async def record(repo: CaseRepository, case: Case, principal: Principal | None, action: str, *,
                 from_state: str | None = None, to_state: str | None = None,
                 details: dict[str, Any] | None = None, hashes: list[str] | None = None) -> None:
    """Append one line to the case's whole-process record (who, when, what, attachments)."""
    await repo.append_history({
        "id": new_id(), "case_id": case.id, "at": now(),
        "actor_kind": principal.kind if principal else "system",
        "actor_client_id": principal.client_id if principal else None,
        "actor_department": principal.department if principal else None,
        "actor_roles": sorted(principal.roles) if principal else [],
        "action": action, "from_state": from_state, "to_state": to_state,
        "details": details or {}, "attachment_hashes": hashes or [],
    })


def forbidden_transition(exc: ForbiddenTransition) -> InvalidState:
    return InvalidState(str(exc), current_state=exc.current, allowed=sorted(exc.allowed), attempted=exc.attempted)


def require_state(case: Case, allowed_states: set[CaseState] | frozenset[CaseState], what: str) -> None:
    """For steps that are not state moves (evidence, suspensions): 409 naming where they fit."""
    if CaseState(case.state) not in allowed_states:
        from services.casework.rules.workflow import allowed_transitions

        raise InvalidState(
            f"cannot {what} while the case is {case.state}; possible in: {sorted(allowed_states)}",
            current_state=case.state, allowed=sorted(allowed_transitions(case.state)), attempted=what,
        )


async def move(repo: CaseRepository, case: Case, principal: Principal | None, action: str, *,
               facts: CaseFacts | None = None, details: dict[str, Any] | None = None,
               hashes: list[str] | None = None, decision: Decision | None = None) -> None:
    """One checked step of the state machine, recorded; the clock follows the new state."""
    try:
        target = check_transition(case.state, action, facts)
    except ForbiddenTransition as exc:
        raise forbidden_transition(exc) from None
    before = case.state
    case.state = target.value
    touch(case)
    # The clock first: the case's changes then reach the database in one UPDATE, with the record line.
    await refresh_clock(repo, case, decision)
    await record(repo, case, principal, action, from_state=before, to_state=target.value,
                 details=details, hashes=hashes)


def touch(case: Case) -> None:
    case.revision = (case.revision or 0) + 1
    case.updated_at = now()


# ---------------------------------------------------------------------------- clocks


async def decision_clock_of(repo: CaseRepository, case: Case, as_of: date) -> Any:
    stops, extensions = await repo.clock_inputs(case.id)
    suspensions = [Suspension(SuspensionReason(reason), start, end) for reason, start, end in stops]
    collective = [CollectiveExtension(ref, days) for ref, days in extensions]
    return decision_clock(case.filed_on, suspensions, case.head_extension, collective, as_of=as_of)


async def refresh_clock(repo: CaseRepository, case: Case, decision: Decision | None = None) -> None:
    """Set the clock that runs in the case's state: filing, decision (stopped while suspended),
    service or payment. Terminal states run none."""
    state = CaseState(case.state)
    clock: str | None = None
    due: date | None = None
    provisional = False
    if state in FILING_CLOCK_STATES:
        d = filing_deadline(case.received_on, case.filing_extended)
        clock, due, provisional = "filing", d.due, d.provisional
    elif state in DECISION_CLOCK_STATES and case.filed_on is not None:
        clock = "decision"
        if await repo.open_suspension(case.id) is None:
            c = await decision_clock_of(repo, case, today())
            due, provisional = c.deadline.due, c.deadline.provisional
    elif state == S.DECIDED and decision is not None:
        clock, due, provisional = "service", decision.service_due, decision.service_due_provisional
    elif state in (S.SERVED, S.EXECUTION) and decision is not None and decision.payment_due and not decision.paid_on:
        clock, due = "payment", decision.payment_due
    case.clock, case.clock_due, case.clock_provisional = clock, due, provisional


def clock_window(kind: str, soon_days: int, as_of: date) -> tuple[date | None, date | None]:
    """(due on or before, due after) bounds of the overdue / due_soon lists."""
    if kind == "overdue":
        return as_of - timedelta(days=1), None
    return as_of + timedelta(days=soon_days), as_of - timedelta(days=1)
