"""Routes: the steps of a case up to its decision, and its clock steps. Each is one checked move of the
state machine (or a step that fits some states); a step the state does not allow is 409 naming
`current_state` and `allowed`."""

from __future__ import annotations

from fastapi import APIRouter, Request

from services.casework.cases.schemas import CaseOut, EvidenceOut, Step
from services.casework.deps import CaseId, commit_case, review_out
from services.casework.reviews.schemas import ReviewOut
from services.casework.steps import service as steps
from services.casework.steps.schemas import (
    DeclineFiling,
    EvidenceIn,
    ExtendDecision,
    FileCase,
    JudicialReturn,
    JudicialTransfer,
    ProposedPenaltyIn,
    Reassign,
    ResumeClock,
    ScheduleHearing,
    Suspend,
    Transfer,
)
from shared.app import problem_responses
from shared.web import PrincipalDep, SessionDep

router = APIRouter(tags=["cases"])
WRITE = problem_responses(403, 404, 409, 422)


@router.post("/cases/{case_id}/review_lead", summary="Start verifying a lead", responses=WRITE)
async def review_lead(case_id: CaseId, body: Step, session: SessionDep, principal: PrincipalDep,
                      request: Request) -> CaseOut:
    return await commit_case(session, await steps.review_lead(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/extend_filing", summary="Extend the filing period once (+15 working days)",
             description="SAMR Procedure Provisions art. 18: with the head's approval, once.", responses=WRITE)
async def extend_filing(case_id: CaseId, body: Step, session: SessionDep, principal: PrincipalDep,
                        request: Request) -> CaseOut:
    return await commit_case(session, await steps.extend_filing(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/file", summary="File the case",
             description="Names at least two investigators (APL art. 42); an officer with a declared interest in "
                         "the party must withdraw (art. 43). Starts the 90-day decision clock.", responses=WRITE)
async def file_case(case_id: CaseId, body: FileCase, session: SessionDep, principal: PrincipalDep,
                    request: Request) -> CaseOut:
    return await commit_case(session, await steps.file_case(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/decline_filing", summary="Decide not to file (with reason)", responses=WRITE)
async def decline_filing(case_id: CaseId, body: DeclineFiling, session: SessionDep, principal: PrincipalDep,
                         request: Request) -> CaseOut:
    return await commit_case(session, await steps.decline_filing(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/investigators", summary="Replace the investigating team (e.g. after a recusal)",
             responses=WRITE)
async def reassign_investigators(case_id: CaseId, body: Reassign, session: SessionDep, principal: PrincipalDep,
                                 request: Request) -> CaseOut:
    return await commit_case(session, await steps.reassign(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/start_investigation", summary="Start the investigation", responses=WRITE)
async def start_investigation(case_id: CaseId, body: Step, session: SessionDep, principal: PrincipalDep,
                              request: Request) -> CaseOut:
    return await commit_case(session, await steps.start_investigation(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/evidence", status_code=201, summary="Add an evidence item",
             description="One of the statutory kinds (APL art. 46) with the SHA-256 of its file; the hash enters "
                         "the whole-process record.", responses=WRITE)
async def add_evidence(case_id: CaseId, body: EvidenceIn, session: SessionDep, principal: PrincipalDep) -> EvidenceOut:
    item = await steps.add_evidence(session, principal, case_id, body)
    await session.commit()
    return EvidenceOut.model_validate(item, from_attributes=True)


@router.post("/cases/{case_id}/notify_rights", summary="Prior notice of the intended penalty and rights",
             description="APL art. 44. Large fines or confiscations (configured thresholds), licence revocation, "
                         "closure and the like carry a hearing right (art. 63), to be requested within 5 working "
                         "days (arts. 64, 85).", responses=WRITE)
async def notify_rights(case_id: CaseId, body: ProposedPenaltyIn, session: SessionDep, principal: PrincipalDep,
                        request: Request) -> CaseOut:
    return await commit_case(session, await steps.notify_rights(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/request_hearing", summary="Record the party's hearing request", responses=WRITE)
async def request_hearing(case_id: CaseId, body: Step, session: SessionDep, principal: PrincipalDep,
                          request: Request) -> CaseOut:
    return await commit_case(session, await steps.request_hearing(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/schedule_hearing", summary="Set the hearing date",
             description="The notice must reach the party 7 working days before the hearing (APL arts. 64, 85).",
             responses=WRITE)
async def schedule_hearing(case_id: CaseId, body: ScheduleHearing, session: SessionDep, principal: PrincipalDep,
                           request: Request) -> CaseOut:
    return await commit_case(session, await steps.schedule_hearing(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/conclude_hearing", summary="Conclude the hearing",
             description="A heard case goes to legal review (APL art. 58(1)(2)).", responses=WRITE)
async def conclude_hearing(case_id: CaseId, body: Step, session: SessionDep, principal: PrincipalDep,
                           request: Request) -> CaseOut:
    return await commit_case(session, await steps.conclude_hearing(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/submit_for_review", status_code=201, summary="Submit the case for legal review",
             responses=WRITE)
async def submit_for_review(case_id: CaseId, body: Step, session: SessionDep, principal: PrincipalDep) -> ReviewOut:
    review = await steps.submit_for_review(session, principal, case_id, body)
    await session.commit()
    return review_out(review)


@router.post("/cases/{case_id}/propose_decision", summary="Ready the case for a decision", responses=WRITE)
async def propose_decision(case_id: CaseId, body: Step, session: SessionDep, principal: PrincipalDep,
                           request: Request) -> CaseOut:
    return await commit_case(session, await steps.propose_decision(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/resume_investigation", summary="Back to investigation", responses=WRITE)
async def resume_investigation(case_id: CaseId, body: Step, session: SessionDep, principal: PrincipalDep,
                               request: Request) -> CaseOut:
    return await commit_case(session, await steps.resume_investigation(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/transfer", summary="Transfer to the competent department",
             description="The case ends as transferred; a lead linked to it starts in the other department.",
             responses=WRITE)
async def transfer_case(case_id: CaseId, body: Transfer, session: SessionDep, principal: PrincipalDep,
                        request: Request) -> CaseOut:
    case, _lead = await steps.transfer(session, principal, case_id, body)
    return await commit_case(session, case, request)


@router.post("/cases/{case_id}/transfer_judicial", summary="Transfer to judicial organs (suspected crime)",
             description="APL art. 27: mandatory on a suspected crime; no penalty decision may be issued instead.",
             responses=WRITE)
async def transfer_judicial(case_id: CaseId, body: JudicialTransfer, session: SessionDep, principal: PrincipalDep,
                            request: Request) -> CaseOut:
    return await commit_case(session, await steps.transfer_judicial(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/return_from_judicial", summary="Case handed back by judicial organs",
             description="Records the organ's act (who, its document, its date): the only way back to the "
                         "administrative path after a transfer to judicial organs (APL art. 27(1)).",
             responses=WRITE)
async def return_from_judicial(case_id: CaseId, body: JudicialReturn, session: SessionDep, principal: PrincipalDep,
                               request: Request) -> CaseOut:
    return await commit_case(session, await steps.return_from_judicial(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/suspend", tags=["clocks"], summary="Stop the decision clock",
             description="Testing, appraisal, hearing, public notice, a formal suspension... do not count "
                         "towards the 90 days (SAMR Procedure Provisions art. 64).", responses=WRITE)
async def suspend_clock(case_id: CaseId, body: Suspend, session: SessionDep, principal: PrincipalDep,
                        request: Request) -> CaseOut:
    return await commit_case(session, await steps.suspend(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/resume_clock", tags=["clocks"], summary="Restart the decision clock",
             responses=WRITE)
async def resume_clock(case_id: CaseId, body: ResumeClock, session: SessionDep, principal: PrincipalDep,
                       request: Request) -> CaseOut:
    return await commit_case(session, await steps.resume_clock(session, principal, case_id, body), request)


@router.post("/cases/{case_id}/extend_decision", tags=["clocks"], summary="Extend the decision period",
             description="`head`: +30 days once (approval); `collective`: only after that, with the reference of "
                         "the recorded collective decision and its days.", responses=WRITE)
async def extend_decision(case_id: CaseId, body: ExtendDecision, session: SessionDep, principal: PrincipalDep,
                          request: Request) -> CaseOut:
    return await commit_case(session, await steps.extend_decision(session, principal, case_id, body), request)
