"""The steps of a case up to its decision, each a checked move of the state machine (or a step that
fits some states): verifying and filing the lead, the investigating team, evidence, the prior notice
of the intended penalty and the hearing (APL arts. 44, 63-64), submission for legal review,
transfers to another department or to judicial organs; and the statutory clocks: the flags sent on
the bus when a clock falls due soon or overdue, suspensions and extensions of the decision period."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.cases.repository import CaseRepository
from services.casework.cases.schemas import Step
from services.casework.cases.service import (
    DECISION_CLOCK_STATES,
    action_date,
    for_officer,
    move,
    new_lead,
    now,
    record,
    refresh_clock,
    require_state,
    today,
    touch,
)
from services.casework.complaints.repository import ComplaintRepository
from services.casework.models import (
    Case,
    CaseExtension,
    CaseSuspension,
    Evidence,
    LegalReview,
)
from services.casework.reviews.repository import ReviewRepository
from services.casework.reviews.service import open_review
from services.casework.rules.clocks import clock_status, filing_deadline
from services.casework.rules.complaints import tipoff_notification_deadline
from services.casework.rules.hearing import (
    ProposedPenalty,
    hearing_notice_in_time,
    hearing_request_deadline,
    hearing_right_applies,
    latest_hearing_notice_date,
)
from services.casework.rules.investigation import check_investigators
from services.casework.rules.routing import CASE_DEPARTMENTS
from services.casework.rules.workflow import CaseAction as A
from services.casework.rules.workflow import CaseState
from services.casework.steps.schemas import (
    DeclineFiling,
    EvidenceIn,
    ExtendDecision,
    FileCase,
    Investigator,
    JudicialReturn,
    JudicialTransfer,
    ProposedPenaltyIn,
    Reassign,
    ResumeClock,
    ScheduleHearing,
    Suspend,
    Transfer,
)
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.contracts.casework import ClockFlagged
from shared.errors import Conflict, Unprocessable
from shared.ids import new_id

S = CaseState
INVESTIGATING = frozenset({S.FILED, S.INVESTIGATION, S.PRIOR_NOTICE, S.HEARING})


# ---------------------------------------------------------------------------- filing and investigation


async def _linked_complaint_told(session: AsyncSession, case: Case, outcome: str, on: date) -> None:
    """A real-name reporter is told the filing decision within 5 working days (SAMR Measures art. 31)."""
    complaint = await ComplaintRepository(session).by_case(case.id)
    if complaint is None:
        return
    complaint.filing_outcome, complaint.filing_decided_on = outcome, on
    deadline = tipoff_notification_deadline(on, complaint.real_name)
    complaint.notice_due = deadline.due if deadline else None
    complaint.notice_due_provisional = deadline.provisional if deadline else False


async def review_lead(session: AsyncSession, principal: Principal, case_id: str, data: Step) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.REVIEW_LEAD, details={"note": data.note})
    return case


async def extend_filing(session: AsyncSession, principal: Principal, case_id: str, data: Step) -> Case:
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


def _team(investigators: list[Investigator], case: Case, reviewer_ids: list[str]) -> tuple[list[str], dict[str, list[str]]]:
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


async def file_case(session: AsyncSession, principal: Principal, case_id: str, data: FileCase) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    ids, interests = _team(data.investigators, case, [])
    on = action_date(data.on, "body.on", not_before=case.received_on)
    await move(repo, case, principal, A.FILE, details={"investigators": ids, "note": data.note})
    case.investigators, case.declared_interests, case.filed_on = ids, interests, on
    await refresh_clock(repo, case)
    await _linked_complaint_told(session, case, "filed", on)
    return case


async def decline_filing(session: AsyncSession, principal: Principal, case_id: str, data: DeclineFiling) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    on = action_date(data.on, "body.on", not_before=case.received_on)
    await move(repo, case, principal, A.DECLINE_FILING, details={"reason": data.reason, "on": on.isoformat()})
    case.not_filed_reason, case.outcome = data.reason, "not_filed"
    await _linked_complaint_told(session, case, "not_filed", on)
    return case


async def reassign(session: AsyncSession, principal: Principal, case_id: str, data: Reassign) -> Case:
    """A new team, e.g. after a recusal; the same rules as at filing."""
    repo, case = await for_officer(session, principal, case_id)
    require_state(case, INVESTIGATING | {S.LEGAL_REVIEW, S.DECISION_PENDING}, "reassign")
    reviewers = [r.reviewer_id for r in await ReviewRepository(session).of_case(case.id) if r.reviewer_id]
    ids, interests = _team(data.investigators, case, reviewers)
    await record(repo, case, principal, "investigators_assigned",
                 details={"before": case.investigators, "after": ids, "note": data.note})
    case.investigators, case.declared_interests = ids, interests
    touch(case)
    return case


async def start_investigation(session: AsyncSession, principal: Principal, case_id: str, data: Step) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.START_INVESTIGATION, details={"note": data.note})
    return case


async def add_evidence(session: AsyncSession, principal: Principal, case_id: str, data: EvidenceIn) -> Evidence:
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


# ---------------------------------------------------------------------------- prior notice, hearing and legal review


async def notify_rights(session: AsyncSession, principal: Principal, case_id: str, data: ProposedPenaltyIn) -> Case:
    """APL art. 44 prior notice; the hearing right follows from the intended penalty (art. 63)."""
    repo, case = await for_officer(session, principal, case_id)
    on = action_date(data.on, "body.on", not_before=case.filed_on)
    proposed = ProposedPenalty("organisation" if case.party_kind == "organisation" else "individual",
                               frozenset(data.penalty_kinds), data.fine_amount, data.confiscation_amount)
    right = hearing_right_applies(proposed, as_of=on)
    due = hearing_request_deadline(on) if right.applies else None
    await move(repo, case, principal, A.NOTIFY_RIGHTS, details={
        "penalty_kinds": [k.value for k in data.penalty_kinds], "fine_amount": str(data.fine_amount),
        "confiscation_amount": str(data.confiscation_amount), "hearing_right": right.applies,
        "hearing_reasons": right.reasons, "hearing_request_due": due.due.isoformat() if due else None,
        "thresholds_version": right.thresholds_version, "note": data.note})
    case.proposed_penalty = {"penalty_kinds": [k.value for k in data.penalty_kinds],
                             "fine_amount": str(data.fine_amount),
                             "confiscation_amount": str(data.confiscation_amount),
                             "hearing_reasons": right.reasons, "thresholds_version": right.thresholds_version}
    case.rights_notified_on, case.hearing_right = on, right.applies
    case.hearing_request_due = due.due if due else None
    case.hearing_request_due_provisional = due.provisional if due else False
    case.hearing_requested_on = None
    return case


async def request_hearing(session: AsyncSession, principal: Principal, case_id: str, data: Step) -> Case:
    """APL art. 64(1): the party asks within 5 working days of being told (art. 85)."""
    repo, case = await for_officer(session, principal, case_id)
    if case.state in (S.PRIOR_NOTICE, S.DECISION_PENDING) and not case.hearing_right:
        raise Conflict("the intended penalty carries no hearing right (APL art. 63)",
                       current_state=case.state, hearing_right=False)
    on = action_date(data.on, "body.on", not_before=case.rights_notified_on)
    if case.hearing_request_due is not None and on > case.hearing_request_due:
        raise Unprocessable.field("body.on", "hearing_request_deadline",
                                  f"the hearing could be requested until {case.hearing_request_due} "
                                  "(5 working days, APL arts. 64, 85)")
    await move(repo, case, principal, A.REQUEST_HEARING, details={"on": on.isoformat(), "note": data.note})
    case.hearing_requested_on = on
    return case


async def schedule_hearing(session: AsyncSession, principal: Principal, case_id: str, data: ScheduleHearing) -> Case:
    """APL art. 64(2): the party learns the time and place 7 working days ahead (art. 85)."""
    repo, case = await for_officer(session, principal, case_id)
    require_state(case, {S.HEARING}, "schedule_hearing")
    served = action_date(data.notice_served_on, "body.notice_served_on", not_before=case.hearing_requested_on)
    if not hearing_notice_in_time(served, data.hearing_on):
        raise Unprocessable.field("body.hearing_on", "hearing_notice_7_working_days",
                                  f"a notice served on {served} allows a hearing no earlier than 7 working days "
                                  f"later; for {data.hearing_on} it had to be served by "
                                  f"{latest_hearing_notice_date(data.hearing_on)} (APL arts. 64, 85)")
    case.hearing_on, case.hearing_notice_served_on = data.hearing_on, served
    touch(case)
    await record(repo, case, principal, "hearing_scheduled", details={
        "hearing_on": data.hearing_on.isoformat(), "notice_served_on": served.isoformat()})
    return case


async def conclude_hearing(session: AsyncSession, principal: Principal, case_id: str, data: Step) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    if case.state == S.HEARING and case.hearing_on is None:
        raise Conflict("schedule the hearing first", current_state=case.state, allowed=["schedule_hearing"])
    if case.hearing_on is not None and case.hearing_on > today():
        raise Conflict(f"the hearing is set for {case.hearing_on}", current_state=case.state)
    await move(repo, case, principal, A.CONCLUDE_HEARING, details={"note": data.note})
    case.had_hearing = True
    await open_review(repo, case, principal)
    return case


async def submit_for_review(session: AsyncSession, principal: Principal, case_id: str, data: Step) -> LegalReview:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.SUBMIT_FOR_REVIEW, details={"note": data.note})
    return await open_review(repo, case, principal)


# ---------------------------------------------------------------------------- towards the decision, or elsewhere


async def propose_decision(session: AsyncSession, principal: Principal, case_id: str, data: Step) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.PROPOSE_DECISION, details={"note": data.note})
    return case


async def resume_investigation(session: AsyncSession, principal: Principal, case_id: str, data: Step) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.RESUME_INVESTIGATION, details={"note": data.note})
    return case


async def transfer(session: AsyncSession, principal: Principal, case_id: str, data: Transfer) -> tuple[Case, Case]:
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


async def transfer_judicial(session: AsyncSession, principal: Principal, case_id: str, data: JudicialTransfer) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.TRANSFER_JUDICIAL, details={"organ": data.organ, "reason": data.reason})
    case.suspected_crime, case.outcome = True, "transferred_judicial"
    return case


async def return_from_judicial(session: AsyncSession, principal: Principal, case_id: str,
                               data: JudicialReturn) -> Case:
    """APL art. 27(1): no criminal liability, but an administrative penalty is due; the organ's act is recorded."""
    repo, case = await for_officer(session, principal, case_id)
    on = action_date(data.on, "body.on", not_before=case.received_on)
    await move(repo, case, principal, A.RETURN_FROM_JUDICIAL, details={
        "organ": data.organ, "document_ref": data.document_ref, "on": on.isoformat(), "note": data.note})
    case.suspected_crime, case.outcome = False, None
    return case


# ---------------------------------------------------------------------------- statutory clocks: flags, suspensions, extensions


async def flag_clocks(session: AsyncSession, *, as_of: date, soon_days: int, batch: int = 500) -> int:
    """Send sup.casework.clock.flagged once for each change of a case clock to due_soon or overdue."""
    repo = CaseRepository(session)
    horizon = date.fromordinal(as_of.toordinal() + soon_days)
    flagged = 0
    after: str | None = None
    while True:
        cases = await repo.clocks_to_check(horizon, after, batch)
        if not cases:
            return flagged
        for case in cases:
            status = clock_status(case.clock_due, as_of, soon_days)
            flag = f"{case.clock}|{case.clock_due.isoformat()}|{status}"
            if status == "ok" or case.clock_flag == flag:
                continue
            case.clock_flag = flag
            await record(repo, case, None, "clock_flagged", details={"clock": case.clock, "status": status,
                                                                      "due_on": case.clock_due.isoformat()})
            await add_event(session, ClockFlagged(case_id=case.id, department=case.department, clock=case.clock,
                                                  due_on=case.clock_due, status=status), subject=case.id)
            flagged += 1
        after = cases[-1].id


async def suspend(session: AsyncSession, principal: Principal, case_id: str, data: Suspend) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    require_state(case, DECISION_CLOCK_STATES, "suspend")
    if await repo.open_suspension(case.id) is not None:
        raise Conflict("the clock is already suspended; resume it first", current_state=case.state)
    start = action_date(data.start, "body.start", not_before=case.filed_on)
    await repo.add(CaseSuspension(id=new_id(), case_id=case.id, reason=data.reason.value, start=start, end=None,
                                  note=data.note))
    touch(case)
    await record(repo, case, principal, "clock_suspended", details={"reason": data.reason.value,
                                                                     "start": start.isoformat(), "note": data.note})
    await refresh_clock(repo, case)
    return case


async def resume_clock(session: AsyncSession, principal: Principal, case_id: str, data: ResumeClock) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    open_ = await repo.open_suspension(case.id)
    if open_ is None:
        raise Conflict("the clock is not suspended", current_state=case.state)
    open_.end = action_date(data.end, "body.end", not_before=open_.start)
    touch(case)
    await record(repo, case, principal, "clock_resumed", details={"reason": open_.reason, "end": open_.end.isoformat(),
                                                                   "note": data.note})
    await refresh_clock(repo, case)
    return case


async def extend_decision(session: AsyncSession, principal: Principal, case_id: str,
                          data: ExtendDecision) -> Case:
    """SAMR Procedure Provisions art. 64: +30 days by the head; more only by recorded collective decision."""
    repo, case = await for_officer(session, principal, case_id)
    require_state(case, DECISION_CLOCK_STATES, "extend_decision")
    on = action_date(data.decided_on, "body.decided_on", not_before=case.filed_on)
    if data.kind == "head":
        if case.head_extension:
            raise Conflict("the head's 30-day extension was already given; further time needs a collective decision")
        case.head_extension = True
        details: dict[str, Any] = {"kind": "head", "days": 30}
    else:
        if not case.head_extension:
            raise Conflict("a collective extension comes only after the head's 30-day extension")
        if not data.decision_ref or not data.days:
            field = "body.decision_ref" if not data.decision_ref else "body.days"
            raise Unprocessable.field(field, "required", "a collective extension needs the recorded decision and days")
        await repo.add(CaseExtension(id=new_id(), case_id=case.id, decision_ref=data.decision_ref, days=data.days,
                                     decided_on=on))
        details = {"kind": "collective", "decision_ref": data.decision_ref, "days": data.days}
    touch(case)
    await record(repo, case, principal, "decision_period_extended", details=details)
    await refresh_clock(repo, case)
    return case
