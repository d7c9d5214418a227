"""Use cases of a case from lead to investigation: leads, filing, the team, evidence, transfers."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.models import (
    Case,
    Evidence,
)
from services.casework.repository import CaseRepository
from services.casework.repository_complaints import ComplaintRepository
from services.casework.rules.clocks import filing_deadline
from services.casework.rules.complaints import tipoff_notification_deadline
from services.casework.rules.discretion_tables import DISCRETION_TABLES
from services.casework.rules.investigation import check_investigators
from services.casework.rules.routing import CASE_DEPARTMENTS
from services.casework.rules.workflow import CaseAction as A
from services.casework.rules.workflow import CaseState
from services.casework.service_common import (
    action_date,
    move,
    now,
    record,
    refresh_clock,
    require_case_officer,
    require_reader,
    require_state,
    today,
    touch,
)
from shared.auth import Principal
from shared.errors import Conflict, NotFound, Unprocessable
from shared.ids import new_id

S = CaseState
# A lead whose party is not known yet (an anonymous tip-off naming no business): no decision
# may be issued until the case names the party (APL art. 59: the decision states the party).
UNIDENTIFIED_PARTY = "(to be identified)"
INVESTIGATING = frozenset({S.FILED, S.INVESTIGATION, S.PRIOR_NOTICE, S.HEARING})


def known_violation_type(value: str | None, field: str = "violation_type") -> str | None:
    if value is None:
        return None
    known = set().union(*(t.violations for t in DISCRETION_TABLES))
    if value not in known:
        raise Unprocessable.field(field, "known_violation_type", f"unknown violation type; known: {sorted(known)}")
    return value


async def new_lead(repo: CaseRepository, principal: Principal | None, *, department: str, matter_code: str | None,
                   source_kind: str, source_ref: str | None, uscc: str | None, party_name: str,
                   party_kind: str = "organisation", violation_type: str | None = None, summary: str,
                   received_on: date, details: dict[str, Any] | None = None,
                   hashes: list[str] | None = None) -> Case:
    """A lead linked to its source; the 15-working-day filing clock starts."""
    if source_ref is not None and (existing := await repo.by_source(source_kind, source_ref)) is not None:
        return existing
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


async def create_lead(session: AsyncSession, principal: Principal, data: Any) -> Case:
    department = principal.department or ""
    require_case_officer(principal, department, data.matter_code)
    received_on = action_date(data.received_on, "body.received_on")
    return await new_lead(
        CaseRepository(session), principal, department=department, matter_code=data.matter_code,
        source_kind="manual", source_ref=None, uscc=data.uscc, party_name=data.party_name,
        party_kind=data.party_kind, violation_type=known_violation_type(data.violation_type, "body.violation_type"),
        summary=data.summary, received_on=received_on,
    )


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
    require_case_officer(principal, case.department, case.matter_code)
    return repo, case


async def patch_case(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "violation_type" in changes:
        known_violation_type(changes["violation_type"], "body.violation_type")
    if not changes:
        return case
    before = {k: getattr(case, k) for k in changes}
    for k, v in changes.items():
        setattr(case, k, v)
    touch(case)
    await record(repo, case, principal, "facts_updated", details={"before": before, "after": changes})
    return case


async def _linked_complaint_told(session: AsyncSession, case: Case, outcome: str, on: date) -> None:
    """A real-name reporter is told the filing decision within 5 working days (SAMR Measures art. 31)."""
    complaint = await ComplaintRepository(session).by_case(case.id)
    if complaint is None:
        return
    complaint.filing_outcome, complaint.filing_decided_on = outcome, on
    deadline = tipoff_notification_deadline(on, complaint.real_name)
    complaint.notice_due = deadline.due if deadline else None
    complaint.notice_due_provisional = deadline.provisional if deadline else False


async def review_lead(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.REVIEW_LEAD, details={"note": data.note})
    return case


async def extend_filing(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    """SAMR Procedure Provisions art. 18: once, +15 working days, with the head's approval."""
    repo, case = await for_officer(session, principal, case_id)
    require_state(case, {S.LEAD, S.FILING_REVIEW}, "extend_filing")
    if case.filing_extended:
        raise Conflict("the filing period was already extended once (SAMR Procedure Provisions art. 18)")
    case.filing_extended = True
    case.filing_due = filing_deadline(case.received_on, extended=True).due
    touch(case)
    await record(repo, case, principal, "filing_extended", details={"filing_due": case.filing_due.isoformat(),
                                                                     "note": data.note})
    await refresh_clock(repo, case)
    return case


def _team(investigators: list[Any], case: Case, reviewer_ids: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    ids = [i.officer_id for i in investigators]
    interests = {i.officer_id: list(i.declared_interests) for i in investigators}
    subjects = {case.uscc, case.id} - {None}
    problems = []
    for subject in subjects:
        problems += check_investigators(ids, interests, subject)
    for reviewer in reviewer_ids:
        problems += [p for p in check_investigators(ids, {}, "", reviewer) if p.code == "recusal_reviewer"]
    if problems:
        seen: set[str] = set()
        errors = []
        for p in problems:
            if p.message not in seen:
                seen.add(p.message)
                errors.append({"field": "body.investigators", "rule": p.code, "message": p.message})
        raise Unprocessable("; ".join(e["message"] for e in errors), errors=errors)
    return ids, interests


async def file_case(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    ids, interests = _team(data.investigators, case, [])
    on = action_date(data.on, "body.on", not_before=case.received_on)
    await move(repo, case, principal, A.FILE, details={"investigators": ids, "note": data.note})
    case.investigators, case.declared_interests, case.filed_on = ids, interests, on
    await refresh_clock(repo, case)
    await _linked_complaint_told(session, case, "filed", on)
    return case


async def decline_filing(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    on = action_date(data.on, "body.on", not_before=case.received_on)
    await move(repo, case, principal, A.DECLINE_FILING, details={"reason": data.reason, "on": on.isoformat()})
    case.not_filed_reason, case.outcome = data.reason, "not_filed"
    await _linked_complaint_told(session, case, "not_filed", on)
    return case


async def reassign(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    """A new team, e.g. after a recusal; the same rules as at filing."""
    repo, case = await for_officer(session, principal, case_id)
    require_state(case, INVESTIGATING | {S.LEGAL_REVIEW, S.DECISION_PENDING}, "reassign")
    reviewers = [r.reviewer_id for r in await repo.reviews_of(case.id) if r.reviewer_id]
    ids, interests = _team(data.investigators, case, reviewers)
    await record(repo, case, principal, "investigators_assigned",
                 details={"before": case.investigators, "after": ids, "note": data.note})
    case.investigators, case.declared_interests = ids, interests
    touch(case)
    return case


async def start_investigation(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.START_INVESTIGATION, details={"note": data.note})
    return case


async def add_evidence(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Evidence:
    repo, case = await for_officer(session, principal, case_id)
    require_state(case, INVESTIGATING, "add_evidence")
    if data.collected_on > today():
        raise Unprocessable.field("body.collected_on", "not_in_future", f"{data.collected_on} is in the future")
    digest = data.sha256.lower()
    item = await repo.add(Evidence(
        id=new_id(), case_id=case.id, evidence_type=data.evidence_type.value, title=data.title, sha256=digest,
        collected_on=data.collected_on, collected_by=list(data.collected_by),
        added_by=principal.client_id or "", created_at=now(),
    ))
    touch(case)
    await record(repo, case, principal, "evidence_added", hashes=[digest], details={
        "evidence_id": item.id, "evidence_type": item.evidence_type, "title": item.title})
    return item


async def list_evidence(session: AsyncSession, principal: Principal, case_id: str) -> list[Evidence]:
    case = await get_case(session, principal, case_id)
    return await CaseRepository(session).evidence(case.id)


async def propose_decision(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.PROPOSE_DECISION, details={"note": data.note})
    return case


async def resume_investigation(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.RESUME_INVESTIGATION, details={"note": data.note})
    return case


async def transfer(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> tuple[Case, Case]:
    """To the competent department: the case ends here and a lead linked to it starts there."""
    repo, case = await for_officer(session, principal, case_id)
    if data.to_department not in CASE_DEPARTMENTS:
        raise Unprocessable.field("body.to_department", "known_department",
                                  f"unknown department; known: {sorted(CASE_DEPARTMENTS)}")
    if data.to_department == case.department:
        raise Unprocessable.field("body.to_department", "other_department", "a case is transferred to another department")
    on = action_date(data.on, "body.on", not_before=case.received_on)
    await move(repo, case, principal, A.TRANSFER, details={"to_department": data.to_department,
                                                           "reason": data.reason})
    case.transferred_to, case.transfer_reason, case.outcome = data.to_department, data.reason, "transferred"
    lead = await new_lead(
        repo, principal, department=data.to_department, matter_code=None, source_kind="transfer",
        source_ref=case.id, uscc=case.uscc, party_name=case.party_name, party_kind=case.party_kind,
        violation_type=None, summary=case.summary, received_on=on,
        details={"from_department": case.department, "reason": data.reason},
    )
    return case, lead


async def transfer_judicial(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.TRANSFER_JUDICIAL, details={"organ": data.organ, "reason": data.reason})
    case.suspected_crime, case.outcome = True, "transferred_judicial"
    return case


async def return_from_judicial(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    """APL art. 27(1): no criminal liability, but an administrative penalty is due."""
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.RETURN_FROM_JUDICIAL, details={"note": data.note})
    case.suspected_crime, case.outcome = False, None
    return case


async def history(session: AsyncSession, principal: Principal, case_id: str, after_seq: int | None,
                  limit: int | None) -> list[Any]:
    case = await get_case(session, principal, case_id)
    return await CaseRepository(session).history(case.id, after_seq=after_seq, limit=limit)
