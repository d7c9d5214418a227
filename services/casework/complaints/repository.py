"""Every query on complaints and their senders (kept apart)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, or_, select

from services.casework.models import Case, Complaint, ComplaintSender
from shared.repository import Repository


class ComplaintRepository(Repository):
    async def get(self, complaint_id: str, *, for_update: bool = False) -> Complaint | None:
        return await self.by_id(Complaint, complaint_id, for_update=for_update)

    async def sender(self, complaint_id: str) -> ComplaintSender | None:
        stmt = select(ComplaintSender).where(ComplaintSender.complaint_id == complaint_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_case(self, case_id: str) -> Complaint | None:
        stmt = select(Complaint).where(Complaint.case_id == case_id)
        return (await self.session.execute(stmt)).scalars().first()

    async def list(self, *, department: str | None, submitted_by_department: str | None, status: str | None,
                   after_id: str | None, limit: int) -> list[Complaint]:
        stmt = select(Complaint)
        if department is not None:
            stmt = stmt.where(Complaint.department == department)
        if submitted_by_department is not None:
            stmt = stmt.where(Complaint.submitted_by_department == submitted_by_department)
        if status is not None:
            stmt = stmt.where(Complaint.status == status)
        if after_id is not None:
            stmt = stmt.where(Complaint.id > after_id)
        return list((await self.session.execute(stmt.order_by(Complaint.id).limit(limit))).scalars())

    async def with_cases(self, *, ids: Collection[str] | None, service_codes: Collection[str] | None,
                         received_from: datetime, received_to: datetime, finished: bool | None,
                         finished_case_states: Collection[str], offset: int,
                         limit: int) -> list[tuple[Complaint, Case | None]]:
        """Complaints with their case (if any), newest first, for the public status list."""
        stmt = select(Complaint, Case).outerjoin(Case, Case.id == Complaint.case_id)
        if ids is not None:
            stmt = stmt.where(Complaint.id.in_(list(ids)))
        else:
            stmt = stmt.where(Complaint.created_at >= received_from, Complaint.created_at <= received_to)
        if service_codes is not None:
            stmt = stmt.where(Complaint.service_code.in_(list(service_codes)))
        if finished is not None:
            done = or_(Complaint.status == "refused",
                       and_(Case.id.is_not(None), Case.state.in_(list(finished_case_states))))
            stmt = stmt.where(done if finished else ~done)
        stmt = stmt.order_by(Complaint.created_at.desc(), Complaint.id.desc()).offset(offset).limit(limit)
        return [(c, case) for c, case in (await self.session.execute(stmt)).all()]
