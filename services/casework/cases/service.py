"""A case and what every step on it shares: today's date, who may act, state moves and the line
each writes to the whole-process record, the clock that runs in each state; leads, reading a case
and updating its facts; the whole-process record paged or as one document."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.cases.repository import CaseRepository
from services.casework.cases.schemas import CasePatch, FactClearing, LeadCreate
from services.casework.complaints.repository import ComplaintRepository
from services.casework.decisions.repository import DecisionRepository
from services.casework.models import Case, CaseHistory, Decision, Evidence, catalogue
from services.casework.reviews.repository import ReviewRepository
from services.casework.rules.clocks import (
    CollectiveExtension,
    DecisionClock,
    Suspension,
    SuspensionReason,
    clock_status,
    decision_clock,
    filing_deadline,
)
from services.casework.rules.complaints import withhold_reporter_identity
from services.casework.rules.discretion_tables import DISCRETION_TABLES
from services.casework.rules.legal_review import (
    FACT_CLEARING_ROLES,
    ONE_WAY_FACTS,
    CaseProfile,
    ReviewRequirement,
    new_review_needed,
    requires_legal_review,
    reviewer_principal_problems,
)
from services.casework.rules.workflow import (
    TERMINAL_STATES,
    CaseFacts,
    CaseState,
    ForbiddenTransition,
    allowed_transitions,
    check_transition,
    offered_actions,
)
from shared.auth import Principal
from shared.catalogue.readmodel import require_authority
from shared.clock import shanghai_today
from shared.contracts.roles import separated_role_conflicts
from shared.errors import Conflict, Forbidden, InvalidState, NotFound, Unprocessable
from shared.identifiers import PARTY_ORGANISATION, party_kind_of
from shared.ids import new_id

S = CaseState

# States in which the 90-day decision clock runs (from filing until the decision).
DECISION_CLOCK_STATES = frozenset({S.FILED, S.INVESTIGATION, S.PRIOR_NOTICE, S.HEARING, S.LEGAL_REVIEW,
                                   S.DECISION_PENDING})
FILING_CLOCK_STATES = frozenset({S.LEAD, S.FILING_REVIEW})
# A lead whose party is not known yet (an anonymous tip-off naming no business): no decision
# may be issued until the case names the party (APL art. 59: the decision states the party).
UNIDENTIFIED_PARTY = "(to be identified)"


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


def require_case_officer(principal: Principal, department: str) -> None:
    """Writes on a case: a case officer of the case's own department (its matter: require_matter_authority)."""
    if principal.is_public or principal.kind != "department":
        raise Forbidden("this action needs a department credential with role case_officer")
    if not principal.has_role("case_officer"):
        raise Forbidden("this action needs role case_officer")
    if principal.department != department:
        raise Forbidden(f"the case belongs to department {department}, not {principal.department}")


async def require_matter_authority(session: AsyncSession, principal: Principal, matter_code: str | None,
                                   on: date, power: str = "penalty") -> None:
    """The caller's department holds `matter_code` (its own, or entrusted with `power`) in the catalogue
    in force on `on`, the date of the act; a case without a matter yet is checked when it gets one."""
    if matter_code:
        require_authority(await catalogue.in_force(session, on), principal, matter_code, on, power=power)


# The handling department's staff who read its cases (auditors read every department's).
CASE_READER_ROLES = ("case_officer", "legal_reviewer", "admin", "head")


def may_read_department(principal: Principal, department: str) -> bool:
    """The handling department's staff, and auditors, read its cases; nobody else."""
    if principal.is_public:
        return False
    if principal.has_role("auditor"):
        return True
    return principal.department == department and principal.has_role(*CASE_READER_ROLES)


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
    if not principal.department or not principal.has_role(*CASE_READER_ROLES):
        raise Forbidden(f"listing cases needs role {', '.join(CASE_READER_ROLES)} or auditor")
    return principal.department


# ---------------------------------------------------------------------------- the gates a case's facts set


def review_requirement(case: Case, fine: Decimal | None = None) -> ReviewRequirement:
    proposed = Decimal((case.proposed_penalty or {}).get("fine_amount", "0")) if fine is None else Decimal(fine)
    return requires_legal_review(CaseProfile(case.major_public_interest, case.had_hearing, case.complex_case,
                                             proposed))


def case_facts(case: Case, fine: Decimal | None = None) -> CaseFacts:
    """What the state machine's guards need, from the case alone (the latest review's status is kept on it)."""
    required = review_requirement(case, fine).required
    return CaseFacts(suspected_crime=case.suspected_crime, legal_review_required=required,
                     legal_review_passed=case.review_status == "passed",
                     legal_review_rejected=new_review_needed(case.review_status),
                     hearing_right=case.hearing_right,
                     hearing_held_by_now=case.hearing_on is not None and case.hearing_on <= today())


def offered(case: Case) -> list[str]:
    """The case's allowed actions: never one its facts would refuse."""
    return sorted(a.value for a in offered_actions(case.state, case_facts(case)))


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


async def decision_clock_of(repo: CaseRepository, case: Case, as_of: date) -> DecisionClock:
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


def status_of(case: Case, as_of: date, soon_days: int) -> str:
    if case.clock is None:
        return "none"
    if case.clock_due is None:
        return "stopped"
    return clock_status(case.clock_due, as_of, soon_days)


def clock_window(kind: str, soon_days: int, as_of: date) -> tuple[date | None, date | None]:
    """(due on or before, due after) bounds of the overdue / due_soon lists."""
    if kind == "overdue":
        return as_of - timedelta(days=1), None
    return as_of + timedelta(days=soon_days), as_of - timedelta(days=1)


# ---------------------------------------------------------------------------- leads


def known_violation_type(value: str | None, field: str = "violation_type") -> str | None:
    if value is None:
        return None
    known = set().union(*(t.violations for t in DISCRETION_TABLES))
    if value not in known:
        raise Unprocessable.field(field, "known_violation_type", f"unknown violation type; known: {sorted(known)}")
    return value


def party_kind_for(uscc: str | None, stated: str | None, field: str = "body.party_kind") -> str:
    """organisation | person: what the party's code says it is (shared.identifiers.party_kind_of;
    an individual business is a natural person's). Stated against the code: refused."""
    derived = party_kind_of(uscc)
    if derived is None:
        return stated or "organisation"
    kind = "organisation" if derived == PARTY_ORGANISATION else "person"
    if stated is not None and stated != kind:
        raise Unprocessable.field(field, "party_kind_from_identifier",
                                  f"the party's code names a party of kind {derived}: party_kind must be {kind}")
    return kind


async def new_lead(repo: CaseRepository, principal: Principal | None, *, department: str, matter_code: str | None,
                   source_kind: str, source_ref: str | None, uscc: str | None, party_name: str,
                   party_kind: str | None = None, violation_type: str | None = None, summary: str,
                   received_on: date, details: dict[str, Any] | None = None,
                   hashes: list[str] | None = None) -> Case:
    """A lead linked to its source; the 15-working-day filing clock starts."""
    if source_ref is not None and (existing := await repo.by_source(source_kind, source_ref)) is not None:
        return existing
    party_kind = party_kind_for(uscc, party_kind)
    stamp = now()
    case = Case(
        id=new_id(), department=department, matter_code=matter_code, state=S.LEAD.value,
        source_kind=source_kind, source_ref=source_ref, uscc=uscc, party_name=party_name, party_kind=party_kind,
        violation_type=violation_type, summary=summary, received_on=received_on,
        filing_due=filing_deadline(received_on).due, filing_extended=False, investigators=[],
        declared_interests={}, suspected_crime=False, major_public_interest=False, complex_case=False,
        had_hearing=False, hearing_right=False, head_extension=False, clock_provisional=False,
        revision=1, created_at=stamp, updated_at=stamp,
    )
    try:
        async with repo.session.begin_nested():
            await repo.add(case)
    except IntegrityError:
        # The same source reached us twice at once: the other lead stands.
        existing = await repo.by_source(source_kind, source_ref or "")
        if existing is None:
            raise
        return existing
    await record(repo, case, principal, "lead_recorded", to_state=case.state,
                 details={"source_kind": source_kind, "source_ref": source_ref, **(details or {})}, hashes=hashes)
    await refresh_clock(repo, case)
    return case


async def create_lead(session: AsyncSession, principal: Principal, data: LeadCreate) -> Case:
    department = principal.department or ""
    require_case_officer(principal, department)
    received_on = action_date(data.received_on, "body.received_on")
    await require_matter_authority(session, principal, data.matter_code, received_on)
    return await new_lead(
        CaseRepository(session), principal, department=department, matter_code=data.matter_code,
        source_kind="manual", source_ref=None, uscc=data.uscc, party_name=data.party_name,
        party_kind=data.party_kind if "party_kind" in data.model_fields_set else None,
        violation_type=known_violation_type(data.violation_type, "body.violation_type"),
        summary=data.summary, received_on=received_on,
    )


# ---------------------------------------------------------------------------- reading and updating a case


async def load(repo: CaseRepository, case_id: str, *, for_update: bool = False) -> Case:
    case = await repo.get(case_id, for_update=for_update)
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


async def get_case(session: AsyncSession, principal: Principal, case_id: str) -> Case:
    case = await load(CaseRepository(session), case_id)
    require_reader(principal, case.department)
    return case


async def for_officer(session: AsyncSession, principal: Principal, case_id: str) -> tuple[CaseRepository, Case]:
    repo = CaseRepository(session)
    case = await load(repo, case_id, for_update=True)
    require_case_officer(principal, case.department)
    return repo, case


async def list_cases(session: AsyncSession, principal: Principal, *, clock: Literal["overdue", "due_soon"] | None,
                     state: str | None, after_id: str | None, limit: int, soon_days: int) -> list[Case]:
    department = readable_department_filter(principal)
    before = after = None
    if clock is not None:
        before, after = clock_window(clock, soon_days, today())
    return await CaseRepository(session).list(department=department, state=state, due_on_or_before=before,
                                              due_after=after, after_id=after_id, limit=limit)


async def list_evidence(session: AsyncSession, principal: Principal, case_id: str) -> list[Evidence]:
    case = await get_case(session, principal, case_id)
    return await CaseRepository(session).evidence(case.id)


async def patch_case(session: AsyncSession, principal: Principal, case_id: str, data: CasePatch) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for fact in ONE_WAY_FACTS:
        if changes.get(fact) is False:
            if getattr(case, fact):
                raise Forbidden(f"{fact} restrains the officer and is cleared only by the legal reviewer or the "
                                f"organ's head, with a reason (POST /cases/{case.id}/clear_fact; APL art. 58)",
                                rule="one_way_gate", fact=fact)
            del changes[fact]
    if CaseState(case.state) in TERMINAL_STATES | {S.TRANSFERRED_JUDICIAL}:
        raise InvalidState(f"the case is {case.state}: its facts no longer change here", current_state=case.state,
                           allowed=offered(case), attempted="update_case")
    if "violation_type" in changes:
        known_violation_type(changes["violation_type"], "body.violation_type")
    if "matter_code" in changes:
        await require_matter_authority(session, principal, changes["matter_code"], today())
    if "uscc" in changes and (kind := party_kind_for(changes["uscc"], None, "body.uscc")) != case.party_kind:
        changes["party_kind"] = kind  # the newly named code decides what the party is
    if not changes:
        return case
    before = {k: getattr(case, k) for k in changes}
    for k, v in changes.items():
        setattr(case, k, v)
    touch(case)
    await record(repo, case, principal, "facts_updated", details={"before": before, "after": changes})
    return case


# Lines of the record written by a review or by the act that clears a fact: they do not make
# their author one of the case's investigators.
REVIEW_ACTIONS = ("pass_review", "reject_review", "fact_cleared")


async def require_independent(repo: CaseRepository, case: Case, principal: Principal,
                              submitter: str | None = None) -> None:
    """The principal holds no separated roles and neither submitted nor acted on the case."""
    if conflicts := separated_role_conflicts(principal.roles):
        raise Forbidden("; ".join(conflicts) + ": this credential may not review or clear facts",
                        rule="separated_roles")
    problems = reviewer_principal_problems(principal.client_id or "", submitter,
                                           await repo.actors(case.id, except_actions=REVIEW_ACTIONS))
    if problems:
        raise Forbidden("; ".join(problems) + " (APL art. 58: review by others than the investigators)",
                        rule="reviewer_not_investigator")


async def clear_fact(session: AsyncSession, principal: Principal, case_id: str, data: FactClearing) -> Case:
    """A fact that requires review (or a suspected crime) cleared by a recorded act of someone entitled."""
    repo = CaseRepository(session)
    case = await load(repo, case_id, for_update=True)
    if principal.kind != "department" or not principal.has_role(*FACT_CLEARING_ROLES):
        raise Forbidden(f"{data.fact} is cleared by role {' or '.join(FACT_CLEARING_ROLES)} (APL art. 58)",
                        rule="one_way_gate", missing_role=list(FACT_CLEARING_ROLES))
    if principal.department != case.department:
        raise Forbidden(f"the case belongs to department {case.department}, not {principal.department}")
    await require_independent(repo, case, principal)
    if CaseState(case.state) in TERMINAL_STATES | {S.TRANSFERRED_JUDICIAL}:
        raise InvalidState(f"the case is {case.state}: only {', '.join(offered(case)) or 'nothing'} may follow",
                           current_state=case.state, allowed=offered(case), attempted="clear_fact")
    if not getattr(case, data.fact):
        raise Conflict(f"{data.fact} is not set on this case", fact=data.fact)
    setattr(case, data.fact, False)
    touch(case)
    await record(repo, case, principal, "fact_cleared", details={"fact": data.fact, "reason": data.reason})
    return case


# ---------------------------------------------------------------------------- the whole-process record


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _row(obj: Any, *fields: str) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


async def history(session: AsyncSession, principal: Principal, case_id: str, after_seq: int | None,
                  limit: int | None) -> list[CaseHistory]:
    case = await get_case(session, principal, case_id)
    return await CaseRepository(session).history(case.id, after_seq=after_seq, limit=limit)


async def case_record(session: AsyncSession, principal: Principal, case_id: str) -> dict[str, Any]:
    case = await get_case(session, principal, case_id)
    repo = CaseRepository(session)
    complaint = await ComplaintRepository(session).by_case(case.id)
    source: dict[str, Any] = {"kind": case.source_kind, "ref": case.source_ref}
    if complaint is not None:
        # The reporter's identity lives in another table and never enters the record.
        source["complaint"] = withhold_reporter_identity(_row(
            complaint, "id", "kind", "service_code", "description", "received_on", "acceptance_due", "answered_on",
            "status", "filing_outcome", "notice_due", "notified_on"))
    return {
        "case": _row(case, "id", "department", "matter_code", "state", "uscc", "party_name", "party_kind",
                     "violation_type", "summary", "received_on", "filing_due", "filed_on", "investigators",
                     "suspected_crime", "had_hearing", "outcome", "closed_on"),
        "source": source,
        "evidence": [_row(e, "id", "evidence_type", "title", "sha256", "collected_on", "collected_by", "added_by")
                     for e in await repo.evidence(case.id)],
        "legal_reviews": [_row(r, "id", "status", "reasons", "reviewer_id", "opinion", "submitted_at", "decided_at")
                          for r in await ReviewRepository(session).of_case(case.id)],
        "decisions": [_row(d, "id", "decision_number", "decision_kind", "penalty_kinds", "fine_amount",
                           "confiscation_amount", "decided_on", "served_on", "paid_on", "late_fee", "status",
                           "education_given", "full_text")
                      for d in await DecisionRepository(session).of_case(case.id)],
        "history": [_row(h, "seq", "at", "actor_kind", "actor_client_id", "actor_department", "actor_roles",
                         "action", "from_state", "to_state", "details", "attachment_hashes")
                    for h in await repo.history(case.id)],
        "exported_at": now().isoformat(),
        "exported_by": principal.client_id,
    }
