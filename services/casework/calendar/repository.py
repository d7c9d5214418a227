"""Queries of the provisional-deadline recomputation: rows whose working-day deadline was counted
with a year whose holiday schedule was not yet known."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.models import Case, Complaint, Decision

FILING_CLOCK = "filing"


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def provisional_complaints(self, *, after_id: str, limit: int) -> list[Complaint]:
        """Complaints whose 7-working-day acceptance deadline is provisional, by id, locked."""
        stmt = (select(Complaint)
                .where(Complaint.acceptance_provisional.is_(True), Complaint.id > after_id)
                .order_by(Complaint.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())

    async def provisional_notices(self, *, after_id: str, limit: int) -> list[Complaint]:
        """Tip-offs whose 5-working-day deadline to tell the reporter is provisional, by id, locked."""
        stmt = (select(Complaint)
                .where(Complaint.notice_due_provisional.is_(True), Complaint.id > after_id)
                .order_by(Complaint.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())

    async def provisional_service_dues(self, *, after_id: str, limit: int) -> list[Decision]:
        """Decisions whose 7-working-day service deadline is provisional, by id, locked."""
        stmt = (select(Decision)
                .where(Decision.service_due_provisional.is_(True), Decision.id > after_id)
                .order_by(Decision.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())

    async def provisional_withdrawals(self, *, after_id: str, limit: int) -> list[Decision]:
        """Revoked or changed decisions whose 3-working-day withdrawal deadline is provisional."""
        stmt = (select(Decision)
                .where(Decision.withdrawal_due_provisional.is_(True), Decision.id > after_id)
                .order_by(Decision.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())

    async def provisional_filing_clocks(self, *, after_id: str, limit: int) -> list[Case]:
        """Cases whose running clock is the filing decision (working days) and is provisional.

        A provisional decision clock is a different matter (an open suspension, counted in
        calendar days): the holiday schedule does not move it."""
        stmt = (select(Case)
                .where(Case.clock == FILING_CLOCK, Case.clock_provisional.is_(True), Case.id > after_id)
                .order_by(Case.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())

    async def provisional_hearing_requests(self, *, after_id: str, limit: int) -> list[Case]:
        """Cases whose 5-working-day deadline to request a hearing is provisional, by id, locked."""
        stmt = (select(Case)
                .where(Case.hearing_request_due_provisional.is_(True), Case.id > after_id)
                .order_by(Case.id).limit(limit).with_for_update())
        return list((await self.session.execute(stmt)).scalars())
