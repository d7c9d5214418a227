"""Complaints and tip-offs: Open311 intake, routing, the 7-working-day answer, the reporter's
secrecy, the filing notice and whistle-blower rewards."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.cases.repository import CaseRepository
from services.casework.cases.service import (
    UNIDENTIFIED_PARTY,
    action_date,
    new_lead,
    now,
    today,
)
from services.casework.complaints.repository import ComplaintRepository
from services.casework.complaints.schemas import (
    Answer,
    ComplaintCreate,
    FilingNotice,
    Refusal,
    RewardRequest,
)
from services.casework.decisions.repository import DecisionRepository
from services.casework.models import Case, Complaint, ComplaintSender
from services.casework.rules.complaints import complaint_acceptance_deadline
from services.casework.rules.penalties import DecisionKind
from services.casework.rules.rewards import reward_amount
from services.casework.rules.routing import (
    ComplaintService,
    route_complaint,
    routing_table,
)
from services.casework.rules.workflow import CaseState
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.contracts.casework import ComplaintAnswered
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.ids import new_id

HOTLINE = "hotline"
CENT = Decimal("0.01")
# The department is done with an accepted complaint once its case ends: not filed, handed to
# the competent department, closed, or its decision revoked. A refused one is done at once.
FINISHED_CASE_STATES = frozenset({CaseState.NOT_FILED, CaseState.TRANSFERRED, CaseState.CLOSED,
                                  CaseState.REVOKED})


def services() -> tuple[str, list[ComplaintService]]:
    table = routing_table(today())
    return table.version, list(table.services.values())


def _channel(principal: Principal) -> str:
    if principal.is_public:
        return "public"
    return "hotline" if principal.department == HOTLINE else principal.kind


async def submit(session: AsyncSession, principal: Principal, data: ComplaintCreate) -> Complaint:
    """Anyone may complain or report, anonymously or by name; the hotline files for callers."""
    received_on = today()
    try:
        route = route_complaint(data.service_code, received_on)
    except KeyError as exc:
        raise Unprocessable.field("body.service_code", "known_service_code", str(exc.args[0])) from None
    real_name = bool((data.first_name or data.last_name) and (data.phone or data.email))
    due = complaint_acceptance_deadline(received_on)
    complaint = Complaint(
        id=new_id(), kind=data.request_kind, service_code=route.service_code, description=data.description,
        address_string=data.address_string, lat=data.lat, long=data.long, media_url=data.media_url,
        business_uscc=data.business_uscc, business_name=data.business_name, channel=_channel(principal),
        submitted_by=principal.client_id, submitted_by_department=principal.department,
        department=route.department, matter_code=route.matter_code, routing_version=routing_table(received_on).version,
        real_name=real_name, status="received", received_on=received_on, acceptance_due=due.due,
        acceptance_provisional=due.provisional, created_at=now(),
    )
    repo = ComplaintRepository(session)
    await repo.add(complaint)
    if any((data.first_name, data.last_name, data.phone, data.email)):
        # Kept in its own table: nothing that reads complaints for others ever joins it.
        await repo.add(ComplaintSender(complaint_id=complaint.id, first_name=data.first_name,
                                       last_name=data.last_name, phone=data.phone, email=data.email))
    return complaint


def may_see_sender(principal: Principal, complaint: Complaint) -> bool:
    """Only case officers of the handling department (SAMR Measures art. 31: reporter secrecy)."""
    return (principal.kind == "department" and principal.department == complaint.department
            and principal.has_role("case_officer"))


def _require_reader(principal: Principal, complaint: Complaint) -> None:
    if principal.is_public:
        raise Forbidden("complaints are not public: a credential is required")
    if principal.has_role("auditor"):
        return
    if principal.department == complaint.department and principal.has_role("case_officer", "legal_reviewer", "admin"):
        return
    if principal.department == HOTLINE and complaint.submitted_by_department == HOTLINE:
        return
    raise Forbidden(f"the complaint is handled by department {complaint.department}")


async def get(session: AsyncSession, principal: Principal, complaint_id: str) -> tuple[Complaint, ComplaintSender | None]:
    repo = ComplaintRepository(session)
    complaint = await repo.get(complaint_id)
    if complaint is None:
        raise NotFound(f"no complaint {complaint_id}")
    _require_reader(principal, complaint)
    sender = await repo.sender(complaint.id) if may_see_sender(principal, complaint) else None
    return complaint, sender


async def list_complaints(session: AsyncSession, principal: Principal, status: str | None, after_id: str | None,
                          limit: int) -> list[Complaint]:
    if principal.is_public:
        raise Forbidden("complaints are not public: a credential is required")
    repo = ComplaintRepository(session)
    if principal.has_role("auditor"):
        return await repo.list(department=None, submitted_by_department=None, status=status, after_id=after_id,
                               limit=limit)
    if principal.department == HOTLINE:
        return await repo.list(department=None, submitted_by_department=HOTLINE, status=status, after_id=after_id,
                               limit=limit)
    if not principal.has_role("case_officer", "legal_reviewer", "admin"):
        raise Forbidden("listing complaints needs role case_officer or auditor")
    return await repo.list(department=principal.department, submitted_by_department=None, status=status,
                           after_id=after_id, limit=limit)


@dataclass(frozen=True)
class PublicQuery:
    """Which complaints to show the public, by id or by service and receipt time."""

    ids: Collection[str] | None
    service_codes: Collection[str] | None
    received_from: datetime
    received_to: datetime
    finished: bool | None
    offset: int
    limit: int


async def public_list(session: AsyncSession, query: PublicQuery) -> list[tuple[Complaint, Case | None]]:
    """Complaints and their cases as anyone may follow them; never the sender (kept in its own
    table, not read here): the caller shows only what the public may see."""
    return await ComplaintRepository(session).with_cases(
        ids=query.ids, service_codes=query.service_codes, received_from=query.received_from,
        received_to=query.received_to, finished=query.finished, finished_case_states=FINISHED_CASE_STATES,
        offset=query.offset, limit=query.limit)


async def public_one(session: AsyncSession, complaint_id: str) -> tuple[Complaint, Case | None]:
    complaint = await ComplaintRepository(session).get(complaint_id)
    if complaint is None:
        raise NotFound(f"no service request {complaint_id}")
    case = await CaseRepository(session).get(complaint.case_id) if complaint.case_id else None
    return complaint, case


async def _for_handler(session: AsyncSession, principal: Principal, complaint_id: str) -> Complaint:
    complaint = await ComplaintRepository(session).get(complaint_id, for_update=True)
    if complaint is None:
        raise NotFound(f"no complaint {complaint_id}")
    if principal.kind != "department" or principal.department != complaint.department \
            or not principal.has_role("case_officer"):
        raise Forbidden(f"a case officer of department {complaint.department} handles this complaint")
    return complaint


async def _answer(session: AsyncSession, complaint: Complaint, principal: Principal, accepted: bool, on: date | None,
                  reason: str) -> None:
    if complaint.status != "received":
        raise Conflict(f"the complaint was already {complaint.status}", current_state=complaint.status, allowed=[])
    complaint.status = "accepted" if accepted else "refused"
    complaint.answered_on = action_date(on, "body.on", not_before=complaint.received_on)
    complaint.answer_reason, complaint.answered_by = reason, principal.client_id
    await add_event(session, ComplaintAnswered(
        complaint_id=complaint.id, department=complaint.department, received_on=complaint.received_on,
        answered_on=complaint.answered_on, due_on=complaint.acceptance_due, accepted=accepted), subject=complaint.id)


async def accept(session: AsyncSession, principal: Principal, complaint_id: str, data: Answer) -> Complaint:
    """Accepted: a lead linked to the complaint starts its filing clock. The lead carries the
    description, never who sent it."""
    complaint = await _for_handler(session, principal, complaint_id)
    await _answer(session, complaint, principal, True, data.on, data.reason)
    case = await new_lead(
        CaseRepository(session), principal, department=complaint.department, matter_code=complaint.matter_code,
        source_kind="complaint", source_ref=complaint.id, uscc=complaint.business_uscc,
        party_name=complaint.business_name or UNIDENTIFIED_PARTY, summary=complaint.description,
        received_on=complaint.answered_on, details={"service_code": complaint.service_code,
                                                    "request_kind": complaint.kind},
    )
    complaint.case_id = case.id
    return complaint


async def refuse(session: AsyncSession, principal: Principal, complaint_id: str, data: Refusal) -> Complaint:
    complaint = await _for_handler(session, principal, complaint_id)
    await _answer(session, complaint, principal, False, data.on, data.reason)
    return complaint


async def notify_filing(session: AsyncSession, principal: Principal, complaint_id: str,
                        data: FilingNotice) -> Complaint:
    """The real-name reporter is told whether the case was filed (within 5 working days)."""
    complaint = await _for_handler(session, principal, complaint_id)
    if not complaint.real_name:
        raise Conflict("an anonymous reporter cannot be told anything", current_state=complaint.status)
    if complaint.filing_outcome is None:
        raise Conflict("the filing decision is not made yet", current_state=complaint.status)
    if complaint.notified_on is not None:
        raise Conflict(f"the reporter was told on {complaint.notified_on}", current_state=complaint.status)
    complaint.notified_on = action_date(data.on, "body.on", not_before=complaint.filing_decided_on)
    return complaint


async def reward(session: AsyncSession, principal: Principal, complaint_id: str,
                 data: RewardRequest) -> dict[str, Any]:
    """Reward for reporting a major violation: a share of the fine and confiscation of the case."""
    complaint = await _for_handler(session, principal, complaint_id)
    if complaint.kind != "tip_off" or not complaint.real_name:
        raise Conflict("rewards go to real-name tip-offs only", current_state=complaint.status)
    if complaint.case_id is None:
        raise Conflict("the tip-off led to no case", current_state=complaint.status)
    decisions = [d for d in await DecisionRepository(session).of_case(complaint.case_id)
                 if d.status == "issued" and d.decision_kind == DecisionKind.PENALTY]
    if not decisions:
        raise Conflict("the case has no penalty decision in force to reward from", current_state=complaint.status)
    d = decisions[-1]
    r = reward_amount(data.grade, d.fine_amount, d.confiscation_amount, as_of=d.decided_on)
    out = {"complaint_id": complaint.id, "case_id": complaint.case_id, "decision_number": d.decision_number,
           "grade": r.grade, "base": r.base.quantize(CENT), "rate": r.rate, "amount": r.amount.quantize(CENT),
           "minimum_applied": r.minimum_applied, "cap_applied": r.cap_applied, "table_version": r.table_version}
    complaint.reward = {k: (str(v) if not isinstance(v, (bool, int)) else v) for k, v in out.items()}
    return out
