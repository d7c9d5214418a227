"""Use cases of the party's rights: prior notice, the hearing, and submission for legal review."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.models import Case, LegalReview
from services.casework.repository import CaseRepository
from services.casework.rules.hearing import (
    ProposedPenalty,
    hearing_notice_in_time,
    hearing_request_deadline,
    hearing_right_applies,
    latest_hearing_notice_date,
)
from services.casework.rules.legal_review import CaseProfile, requires_legal_review
from services.casework.rules.workflow import CaseAction as A
from services.casework.rules.workflow import CaseState
from services.casework.service_cases import for_officer
from services.casework.service_common import (
    action_date,
    move,
    now,
    record,
    require_state,
    today,
    touch,
)
from shared.auth import Principal
from shared.errors import Conflict, Unprocessable
from shared.ids import new_id

S = CaseState


async def notify_rights(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
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


async def request_hearing(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    """APL art. 64(1): the party asks within 5 working days of being told (art. 85)."""
    repo, case = await for_officer(session, principal, case_id)
    if case.state == S.PRIOR_NOTICE and not case.hearing_right:
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


async def schedule_hearing(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
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


async def conclude_hearing(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> Case:
    repo, case = await for_officer(session, principal, case_id)
    if case.state == S.HEARING and case.hearing_on is None:
        raise Conflict("schedule the hearing first", current_state=case.state, allowed=["schedule_hearing"])
    if case.hearing_on is not None and case.hearing_on > today():
        raise Conflict(f"the hearing is set for {case.hearing_on}", current_state=case.state)
    await move(repo, case, principal, A.CONCLUDE_HEARING, details={"note": data.note})
    case.had_hearing = True
    await _open_review(repo, case, principal)
    return case


def review_requirement(case: Case, fine: Any = None) -> Any:
    proposed = Decimal((case.proposed_penalty or {}).get("fine_amount", "0")) if fine is None else Decimal(fine)
    return requires_legal_review(CaseProfile(case.major_public_interest, case.had_hearing, case.complex_case,
                                             proposed))


async def _open_review(repo: CaseRepository, case: Case, principal: Principal) -> LegalReview:
    req = review_requirement(case)
    review = await repo.add(LegalReview(
        id=new_id(), case_id=case.id, department=case.department, status="pending", reasons=req.reasons,
        thresholds_version=req.thresholds_version, submitted_by=principal.client_id or "", submitted_at=now(),
    ))
    await record(repo, case, principal, "legal_review_requested", details={"review_id": review.id,
                                                                           "reasons": req.reasons})
    return review


async def submit_for_review(session: AsyncSession, principal: Principal, case_id: str, data: Any) -> LegalReview:
    repo, case = await for_officer(session, principal, case_id)
    await move(repo, case, principal, A.SUBMIT_FOR_REVIEW, details={"note": data.note})
    return await _open_review(repo, case, principal)


