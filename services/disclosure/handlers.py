"""Bus consumers of the disclosure service: each calls a sub-domain's service inside the inbox transaction."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.calendar.service import recompute_provisional_deadlines
from services.disclosure.deps import Clock
from services.disclosure.efficiency import service as efficiency
from services.disclosure.log import service as log_service
from services.disclosure.publications import service as publications
from services.disclosure.rules import public_records as records
from services.disclosure.rules.publicity import RecordType, WithdrawalReason
from shared.app import BackgroundJob
from shared.bus.consumer import Subscription
from shared.bus.envelope import Event
from shared.contracts import casework, credit, inspection
from shared.deadline_jobs import recompute_deadlines_job

log = logging.getLogger("disclosure.handlers")


def make_handler(clock: Clock):
    """One handler for every consumed event type: dispatch on the payload's contract."""

    async def handle(session: AsyncSession, event: Event) -> None:
        p = event.payload()
        now = clock.now()
        if isinstance(p, inspection.PlanPublished):
            await publications.publish(session, records.from_plan(p, clock.today()), now=now)
        elif isinstance(p, inspection.DrawCompleted):
            await publications.publish(session, records.from_draw(p), now=now)
        elif isinstance(p, inspection.ResultRecorded):
            await publications.publish(session, records.from_result(p), now=now)
        elif isinstance(p, casework.DecisionIssued):
            if records.penalty_is_decision(p):
                await publications.publish(session, records.from_decision(p), now=now)
        elif isinstance(p, casework.DecisionRevoked):
            reason = WithdrawalReason.DECISION_CHANGED if p.kind == "changed" else WithdrawalReason.DECISION_REVOKED
            await publications.withdraw_matching(session, [p.decision_id, p.decision_number], uscc=p.uscc,
                                                 reason=reason.value, requested_on=p.revoked_on, now=now,
                                                 record_types=[RecordType.PENALTY_DECISION.value],
                                                 due_by=p.withdraw_by)
        elif isinstance(p, casework.ComplaintAnswered):
            await efficiency.record_duty(session, metric="complaint_answered", ref=p.complaint_id,
                                         department=p.department, done_on=p.answered_on, due_on=p.due_on)
        elif isinstance(p, casework.CaseClosed):
            await efficiency.record_duty(session, metric="case_closed", ref=p.case_id, department=p.department,
                                         done_on=p.closed_on, due_on=p.due_on)
        elif isinstance(p, credit.CreditRecordAdded):
            if p.kind in records.LICENCE_KINDS:
                await publications.publish(session, records.from_credit_record(p), now=now)
        elif isinstance(p, credit.ListEntered):
            await publications.publish(session, records.from_list_entry(p), now=now)
        elif isinstance(p, credit.ListExited):
            await publications.publish(session, records.from_list_exit(p), now=now)
            await publications.withdraw_matching(session, [p.entry_id], uscc=p.uscc, reason=publications.LIST_EXITED,
                                                 requested_on=p.exited_on, now=now,
                                                 record_types=[RecordType.LIST_ENTRY.value])
        elif isinstance(p, credit.RepairApproved):
            await publications.withdraw_matching(session, [p.source_ref or "", p.record_id], uscc=p.uscc,
                                                 reason=WithdrawalReason.CREDIT_REPAIR_APPROVED.value,
                                                 requested_on=p.decided_on, now=now)
        elif isinstance(p, credit.RecordWithdrawn):
            await publications.withdraw_matching(session, [p.source_ref or "", p.record_id], uscc=p.uscc,
                                                 reason=publications.RECORD_WITHDRAWN, requested_on=p.withdrawn_on,
                                                 now=now)
        elif isinstance(p, credit.GradeChanged):
            await publications.note_grade(session, p.uscc, grade=p.grade, as_of=p.as_of,
                                          rule_set_version=p.rule_set_version, at=event.time)
        elif isinstance(p, (credit.SubjectRegistered, credit.SubjectUpdated)):
            await publications.note_subject(session, p.uscc, name=p.name, subject_type=p.subject_type,
                                            district=p.district, industry_code=p.industry_code, at=event.time)
            if p.grade:
                await publications.note_grade(session, p.uscc, grade=p.grade, as_of=p.registered_on,
                                              rule_set_version=None, only_if_unknown=True)

    return handle


def subscriptions(clock: Clock) -> list[Subscription]:
    handle = make_handler(clock)
    return [
        Subscription(durable="disclosure-inspection", producer="inspection", handler=handle, subjects=[
            inspection.PlanPublished.event_type, inspection.DrawCompleted.event_type,
            inspection.ResultRecorded.event_type]),
        Subscription(durable="disclosure-casework", producer="casework", handler=handle, subjects=[
            casework.DecisionIssued.event_type, casework.DecisionRevoked.event_type,
            casework.ComplaintAnswered.event_type, casework.CaseClosed.event_type]),
        Subscription(durable="disclosure-credit", producer="credit", handler=handle, subjects=[
            credit.CreditRecordAdded.event_type, credit.ListEntered.event_type, credit.ListExited.event_type,
            credit.RepairApproved.event_type, credit.RecordWithdrawn.event_type, credit.GradeChanged.event_type,
            credit.SubjectRegistered.event_type, credit.SubjectUpdated.event_type]),
    ]


def background_jobs(clock: Clock, scan_seconds: float) -> list[BackgroundJob]:
    async def ensure_signing_key(app: FastAPI) -> None:
        """Create the tree-head key in its own transaction at start, before any append needs it."""
        async with app.state.db.sessionmaker() as session:
            await log_service.signing_key(session, clock.now())
            await session.commit()

    async def expire_publicity_windows(app: FastAPI) -> None:
        """Take records whose window has ended out of the public view (and log it), every few seconds."""
        while True:
            try:
                while True:
                    async with app.state.db.sessionmaker() as session:
                        done = await publications.expire_due(session, now=clock.now())
                        await session.commit()
                    if done < 500:
                        break
            except asyncio.CancelledError:
                raise
            except Exception:  # database briefly unavailable: try again next round
                log.exception("expiry scan failed")
            await asyncio.sleep(scan_seconds)

    return [ensure_signing_key, expire_publicity_windows, recompute_deadlines_job(recompute_provisional_deadlines)]
