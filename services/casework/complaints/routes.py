"""Routes: complaints and tip-offs (Open311 GeoReport v2 shaped)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response

from services.casework.complaints import service as complaints
from services.casework.complaints.schemas import (
    Answer,
    ComplaintCreate,
    ComplaintCreated,
    ComplaintOut,
    ComplaintPage,
    FilingNotice,
    Refusal,
    RewardOut,
    RewardRequest,
    SenderOut,
    ServiceList,
    ServiceOut,
)
from services.casework.deps import after_id, next_cursor
from services.casework.models import Complaint, ComplaintSender
from shared.app import problem_responses
from shared.paging import etag_for
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter(tags=["complaints"])
WRITE = problem_responses(403, 404, 409, 422)
ComplaintId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]+$",
                                  description="The Open311 service_request_id")]


def complaint_out(c: Complaint, sender: ComplaintSender | None = None) -> ComplaintOut:
    fields = {f: getattr(c, f) for f in ComplaintOut.model_fields
              if f not in ("service_request_id", "request_kind", "sender")}
    return ComplaintOut(**fields, service_request_id=c.id, request_kind=c.kind,
                        sender=SenderOut.model_validate(sender, from_attributes=True) if sender else None)


@router.get("/services", summary="Open311 service list",
            description="What one may complain about or report, and the department each goes to.")
async def list_services(response: Response) -> ServiceList:
    version, services = complaints.services()
    out = ServiceList(routing_version=version, services=[ServiceOut(
        service_code=s.service_code, service_name=s.service_name, description=s.description,
        keywords=",".join(s.keywords), group=s.group, department=s.department, matter_code=s.matter_code)
        for s in services])
    response.headers["ETag"] = etag_for(version.encode())
    return out


@router.post("/complaints", status_code=201, summary="Submit a complaint or tip-off (Open311 POST requests)",
             description="Anonymous callers, the 12345 hotline and departments may submit. Routed to the "
                         "competent department by `service_code`; it accepts or refuses within 7 working days. "
                         "Contact details are kept apart and shown only to that department's case officers.",
             responses=problem_responses(422))
async def submit_complaint(body: ComplaintCreate, session: SessionDep, principal: PrincipalDep) -> list[ComplaintCreated]:
    c = await complaints.submit(session, principal, body)
    await session.commit()
    return [ComplaintCreated(service_request_id=c.id, department=c.department, acceptance_due=c.acceptance_due,
                             service_notice=f"Received; {c.department} answers by {c.acceptance_due.isoformat()}.")]


@router.get("/complaints", summary="List complaints",
            description="Case officers: their department's; the hotline: those it filed; auditors: all. Never the "
                        "sender.", responses=problem_responses(403, 422))
async def list_complaints(session: SnapshotSessionDep, principal: PrincipalDep,
                          status: Literal["received", "accepted", "refused"] | None = None,
                          limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> ComplaintPage:
    items = await complaints.list_complaints(session, principal, status, after_id(cursor), limit)
    return ComplaintPage(items=[complaint_out(c) for c in items], next_cursor=next_cursor(items, limit))


@router.get("/complaints/{complaint_id}", summary="Read a complaint",
            description="`sender` is filled only for case officers of the handling department.",
            responses=problem_responses(403, 404, 422))
async def get_complaint(complaint_id: ComplaintId, session: SnapshotSessionDep, principal: PrincipalDep) -> ComplaintOut:
    c, sender = await complaints.get(session, principal, complaint_id)
    return complaint_out(c, sender)


@router.post("/complaints/{complaint_id}/accept", summary="Accept: a case lead starts",
             description="Emits sup.casework.complaint.answered (no sender data).", responses=WRITE)
async def accept_complaint(complaint_id: ComplaintId, body: Answer, session: SessionDep,
                           principal: PrincipalDep) -> ComplaintOut:
    c = await complaints.accept(session, principal, complaint_id, body)
    await session.commit()
    return complaint_out(c)


@router.post("/complaints/{complaint_id}/refuse", summary="Refuse, with the reason", responses=WRITE)
async def refuse_complaint(complaint_id: ComplaintId, body: Refusal, session: SessionDep,
                           principal: PrincipalDep) -> ComplaintOut:
    c = await complaints.refuse(session, principal, complaint_id, body)
    await session.commit()
    return complaint_out(c)


@router.post("/complaints/{complaint_id}/notify_filing", summary="Record that the reporter was told the filing decision",
             description="Real-name reporters are told within 5 working days of the filing decision.",
             responses=WRITE)
async def notify_filing(complaint_id: ComplaintId, body: FilingNotice, session: SessionDep,
                        principal: PrincipalDep) -> ComplaintOut:
    c = await complaints.notify_filing(session, principal, complaint_id, body)
    await session.commit()
    return complaint_out(c)


@router.post("/complaints/{complaint_id}/reward", summary="Compute the whistle-blower reward",
             description="For a real-name tip-off that led to a penalty: grade 1/2/3 gives 5%/3%/1% of fine and "
                         "confiscation, at least ¥5,000/3,000/1,000, at most ¥1,000,000 a case.", responses=WRITE)
async def compute_reward(complaint_id: ComplaintId, body: RewardRequest, session: SessionDep,
                         principal: PrincipalDep) -> RewardOut:
    out = await complaints.reward(session, principal, complaint_id, body)
    await session.commit()
    return RewardOut(**out)
