"""Queries on credit records and on the decision revocations kept for them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.models import CreditRecord, DecisionRevocation

_RECORDS = CreditRecord.__table__
# Statements of the event path, built once (building one per call costs more than running it); run
# through the session, so pending changes are flushed first.
# Table columns, not mapped attributes: Core statements skip the ORM's compile and row machinery.
_INSERT_RECORD = insert(_RECORDS)
_SOURCE_SEEN = (select(_RECORDS.c.id)
                .where(_RECORDS.c.source_ref == bindparam("ref"), _RECORDS.c.kind == bindparam("kind")).limit(1))
_SOURCE_SEEN_IN = _SOURCE_SEEN.where(_RECORDS.c.department == bindparam("department"))


class RecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: CreditRecord) -> None:
        """One INSERT, without the unit of work (records are written often, on the event path)."""
        await self.session.execute(_INSERT_RECORD, {c.name: getattr(record, c.name) for c in _RECORDS.columns})

    async def get(self, record_id: str) -> CreditRecord | None:
        return await self.session.get(CreditRecord, record_id)

    async def by_source(self, source_ref: str, kind: str | None = None,
                        department: str | None = None) -> list[CreditRecord]:
        stmt = select(CreditRecord).where(CreditRecord.source_ref == source_ref)
        if kind:
            stmt = stmt.where(CreditRecord.kind == kind)
        if department:
            stmt = stmt.where(CreditRecord.department == department)
        return list((await self.session.execute(stmt)).scalars())

    async def source_seen(self, source_ref: str, kind: str, department: str | None = None) -> bool:
        """Whether a record of `kind` from this source (a decision number, a result id) is on file."""
        if department is None:
            found = await self.session.execute(_SOURCE_SEEN, {"ref": source_ref, "kind": kind})
        else:
            found = await self.session.execute(_SOURCE_SEEN_IN, {"ref": source_ref, "kind": kind,
                                                                 "department": department})
        return found.first() is not None

    async def revocation(self, decision_id: str) -> DecisionRevocation | None:
        return await self.session.get(DecisionRevocation, decision_id)

    async def revocation_of(self, decision_number: str, department: str) -> DecisionRevocation | None:
        stmt = select(DecisionRevocation).where(DecisionRevocation.decision_number == decision_number,
                                                DecisionRevocation.department == department)
        return (await self.session.execute(stmt.limit(1))).scalar_one_or_none()

    async def add_revocation(self, row: DecisionRevocation) -> None:
        self.session.add(row)
        await self.session.flush()

    async def active_of_matter(self, uscc: str, matter_code: str, kind: str) -> list[CreditRecord]:
        stmt = select(CreditRecord).where(CreditRecord.uscc == uscc, CreditRecord.matter_code == matter_code,
                                          CreditRecord.kind == kind, CreditRecord.status == "active")
        return list((await self.session.execute(stmt)).scalars())

    async def for_subject(self, uscc: str, *, kinds: set[str] | None, after: str | None, limit: int,
                          public_on: date | None, provided_since: date, negative_kinds: frozenset[str],
                          negative_outcomes: frozenset[str]) -> list[CreditRecord]:
        """Records of a subject, newest first. `public_on`: only what the public may see that day.
        Negative information decided before `provided_since` is no longer provided."""
        stmt = select(CreditRecord).where(CreditRecord.uscc == uscc)
        negative = or_(CreditRecord.kind.in_(negative_kinds), func.coalesce(CreditRecord.outcome, "").in_(negative_outcomes))
        stmt = stmt.where(or_(~negative, CreditRecord.decision_date > provided_since))
        if kinds:
            stmt = stmt.where(CreditRecord.kind.in_(kinds))
        if public_on is not None:
            stmt = stmt.where(
                CreditRecord.status == "active",
                or_(CreditRecord.publicity_end.is_(None),
                    and_(CreditRecord.publicity_end > public_on, CreditRecord.publicity_start <= public_on)))
        if after:
            stmt = stmt.where(CreditRecord.id < after)
        stmt = stmt.order_by(CreditRecord.id.desc()).limit(limit)
        return list((await self.session.execute(stmt)).scalars())
