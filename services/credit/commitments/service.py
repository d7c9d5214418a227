"""Notification and commitment: licences granted on a promise, its verification, rectification, revocation."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.commitments.repository import CommitmentRepository
from services.credit.commitments.schemas import (
    CommitmentCreate,
    Rectification,
    VerificationResult,
)
from services.credit.grading.service import subject_facts
from services.credit.models import Commitment
from services.credit.records.service import write_record
from services.credit.rules import facts as F
from services.credit.rules.commitments import (
    BROKEN_COMMITMENT_BASIS,
    COMMITMENT_EXCLUDED_FIELDS,
    broken_commitment_outcome,
    commitment_allowed,
    verification_deadline,
)
from services.credit.subjects.service import (
    authority_for,
    normalise_uscc,
    read_scope,
    require_readable,
    require_role,
    subject_or_404,
)
from shared.auth import Principal
from shared.clock import shanghai_today
from shared.errors import Conflict, Forbidden, InvalidState, NotFound, Unprocessable
from shared.ids import new_id
from shared.paging import decode_cursor, encode_cursor

COMMITMENT_ROLES = ("credit_officer", "case_officer")


def _not_future(day: date | None, field: str) -> date:
    today = shanghai_today()
    if day is None:
        return today
    if day > today:
        raise Unprocessable.field(field, "date.not_future", "cannot be later than today")
    return day


async def grant(session: AsyncSession, principal: Principal, data: CommitmentCreate) -> Commitment:
    require_role(principal, *COMMITMENT_ROLES)
    granted_on = _not_future(data.granted_on, "body.granted_on")
    if data.field in COMMITMENT_EXCLUDED_FIELDS:
        _, why = commitment_allowed(data.field)
        raise Unprocessable.field("body.field", "commitment.excluded_field", why)
    subject = await subject_or_404(session, data.uscc, field="body.uscc")
    # Seed §4: whoever approves supervises: the licence is granted on the granting department's own matter.
    who, version = await authority_for(session, principal, data.matter_code, granted_on, district=subject.district)
    department = who.department
    facts, members = await subject_facts(session, subject.uscc)
    allowed, why = commitment_allowed(data.field, members, facts, granted_on)
    if not allowed:
        raise Conflict(f"notification and commitment refused: {why}", reason=why)
    due, version = verification_deadline(granted_on)
    licence = await write_record(
        session, uscc=subject.uscc, kind=F.LICENCE_COMMITMENT, department=department, decision_date=granted_on,
        matter_code=data.matter_code, legal_basis=data.legal_basis,
        summary=f"licence {data.licence_number} granted on commitment: {data.promise}",
        source_ref=data.licence_number, subject_name=subject.name,
        acting_body=who.acting_body if who.entrustment else None, catalogue_version=version)
    commitment = Commitment(
        id=new_id(), uscc=subject.uscc, department=department, matter_code=data.matter_code, field=data.field,
        licence_number=data.licence_number, promise=data.promise, granted_on=granted_on, verification_due=due.due,
        schedule_version=version, status="pending_verification", licence_record_id=licence.id,
        created_at=datetime.now(UTC))
    await CommitmentRepository(session).add(commitment)
    return commitment


async def get(session: AsyncSession, commitment_id: str, reader: Principal | None = None) -> Commitment:
    """The commitment; with `reader`, only for the granting department's staff and auditors (as the list)."""
    if reader is not None:
        read_scope(reader, *COMMITMENT_ROLES)
    c = await CommitmentRepository(session).get(commitment_id)
    if c is None:
        raise NotFound(f"no commitment {commitment_id}")
    if reader is not None:
        require_readable(reader, c.department, f"commitment {c.id}", *COMMITMENT_ROLES)
    return c


async def _own(session: AsyncSession, principal: Principal, commitment_id: str) -> Commitment:
    department = require_role(principal, *COMMITMENT_ROLES)
    c = await get(session, commitment_id)
    if c.department != department:
        raise Forbidden(f"commitment {c.id} belongs to department {c.department}")
    return c


async def verify(session: AsyncSession, principal: Principal, commitment_id: str, data: VerificationResult) -> Commitment:
    c = await _own(session, principal, commitment_id)
    if c.status != "pending_verification":
        raise InvalidState(f"commitment {c.id} is {c.status}: it was already verified",
                           current_state=c.status, allowed=["pending_verification"])
    day = _not_future(data.verified_on, "body.verified_on")
    if day < c.granted_on:
        raise Unprocessable.field("body.verified_on", "date.order", f"cannot verify before the grant of {c.granted_on}")
    if data.kept:
        c.status = "kept"
        record = await write_record(session, uscc=c.uscc, kind=F.COMMITMENT_KEPT, department=c.department,
                                    decision_date=day, matter_code=c.matter_code, legal_basis=c.schedule_version,
                                    summary=data.detail or f"commitment of licence {c.licence_number} kept",
                                    source_ref=c.licence_number)
        c.outcome_record_id = record.id
        return c
    outcome = broken_commitment_outcome(day, None, day)
    c.status, c.found_broken_on, c.rectification_due = "rectifying", day, outcome.deadline.due
    return c


async def rectify(session: AsyncSession, principal: Principal, commitment_id: str, data: Rectification) -> Commitment:
    c = await _own(session, principal, commitment_id)
    if c.status != "rectifying":
        raise InvalidState(f"commitment {c.id} is {c.status}: only a broken promise is rectified",
                           current_state=c.status, allowed=["rectifying"])
    day = _not_future(data.rectified_on, "body.rectified_on")
    outcome = broken_commitment_outcome(c.found_broken_on, day, day)
    if outcome.status != "rectified":
        raise InvalidState(f"the rectification deadline {outcome.deadline.due} has passed: the licence is revoked "
                           f"({outcome.basis})", current_state="rectification_missed", allowed=["revoke"])
    c.status, c.rectified_on = "rectified", day
    return c


async def revoke_missed(session: AsyncSession, c: Commitment, as_of: date) -> bool:
    """Revoke the licence of a promise not rectified in time and record the broken commitment."""
    outcome = broken_commitment_outcome(c.found_broken_on, c.rectified_on, as_of)
    if outcome.status != "revoke":
        return False
    c.status, c.revoked_on = "revoked", as_of
    record = await write_record(
        session, uscc=c.uscc, kind=F.COMMITMENT_BROKEN, department=c.department, decision_date=as_of,
        matter_code=c.matter_code, legal_basis=BROKEN_COMMITMENT_BASIS,
        summary=f"licence {c.licence_number} revoked: commitment broken and not rectified by {outcome.deadline.due}",
        source_ref=c.licence_number)
    c.outcome_record_id = record.id
    return True


async def sweep(session: AsyncSession, as_of: date | None = None, limit: int = 500) -> list[str]:
    """Every broken promise past its rectification deadline: licence revoked, credit record written."""
    as_of = as_of or shanghai_today()
    revoked = []
    for c in await CommitmentRepository(session).rectification_missed(as_of, limit):
        if await revoke_missed(session, c, as_of):
            revoked.append(c.id)
    await session.flush()
    return revoked


async def search(session: AsyncSession, principal: Principal, *, uscc: str | None, status: str | None,
                 cursor: str | None, limit: int) -> tuple[list[Commitment], str | None]:
    department = read_scope(principal, *COMMITMENT_ROLES)
    position = decode_cursor(cursor) or {}
    items = await CommitmentRepository(session).search(
        uscc=normalise_uscc(uscc) if uscc else None, status=status,
        department=department, after=position.get("c"), limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return items, (encode_cursor({"c": items[-1].id}) if more else None)
