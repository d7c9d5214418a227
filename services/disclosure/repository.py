"""Queries over publications and the subjects read model. Nothing else touches the session's query API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import LogLeaf, Publication, Subject

PUBLIC = "public"


@dataclass(frozen=True)
class SearchFilters:
    uscc: str | None = None
    name: str | None = None
    district: str | None = None
    industry_code: str | None = None
    record_type: str | None = None
    authority: str | None = None
    date_from: date | None = None
    date_to: date | None = None


_INSERT_PUBLICATION = insert(Publication.__table__)


def _escape_like(fragment: str) -> str:
    return fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def visible(today: date) -> Any:
    """Published, not withdrawn, window not yet ended (the job marks expiry later; reads never wait for it)."""
    return and_(
        Publication.status == PUBLIC,
        Publication.published_on <= today,
        or_(Publication.window_end.is_(None), Publication.window_end > today),
    )


class PublicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.bind.dialect.name

    async def insert(self, values: dict[str, Any]) -> None:
        # Core INSERT with the values as parameters: no ORM flush, no per-call statement building.
        await self.session.execute(_INSERT_PUBLICATION, values)

    async def get(self, publication_id: str) -> Publication | None:
        return await self.session.get(Publication, publication_id)

    async def exists_source(self, record_type: str, source_key: str) -> bool:
        q = select(Publication.id).where(Publication.record_type == record_type, Publication.source_key == source_key)
        return (await self.session.execute(q.limit(1))).first() is not None

    async def public_by_refs(self, refs: Sequence[str], *, uscc: str | None,
                             record_types: Sequence[str] | None = None) -> list[Publication]:
        """Records still public whose upstream id or reference is one of `refs` (for withdrawals)."""
        refs = [r for r in refs if r]
        if not refs:
            return []
        q = select(Publication).where(
            Publication.status == PUBLIC,
            or_(Publication.source_key.in_(refs), Publication.source_ref.in_(refs)),
        )
        if uscc:
            q = q.where(or_(Publication.uscc == uscc, Publication.uscc.is_(None)))
        if record_types:
            q = q.where(Publication.record_type.in_(list(record_types)))
        return list((await self.session.execute(q.order_by(Publication.id))).scalars())

    async def expired(self, today: date, limit: int) -> list[Publication]:
        q = (select(Publication)
             .where(Publication.status == PUBLIC, Publication.window_end.is_not(None), Publication.window_end <= today)
             .order_by(Publication.window_end, Publication.id).limit(limit)
             .execution_options(populate_existing=True))
        return list((await self.session.execute(q)).scalars())

    async def search(self, f: SearchFilters, today: date, *, before_id: str | None, limit: int) -> list[Publication]:
        """Newest first, keyset-paged on the time-ordered id: never an OFFSET, never a COUNT."""
        q = select(Publication).where(visible(today))
        if f.uscc:
            q = q.where(Publication.uscc == f.uscc)
        if f.name:
            # PostgreSQL answers this from the trigram GIN index; SQLite scans (acceptable there).
            q = q.where(Publication.subject_name.ilike(f"%{_escape_like(f.name)}%", escape="\\"))
        if f.district:
            q = q.where(Publication.district == f.district)
        if f.industry_code:
            q = q.where(Publication.industry_code == f.industry_code)
        if f.record_type:
            q = q.where(Publication.record_type == f.record_type)
        if f.authority:
            q = q.where(Publication.authority == f.authority)
        if f.date_from:
            q = q.where(Publication.decided_on >= f.date_from)
        if f.date_to:
            q = q.where(Publication.decided_on <= f.date_to)
        if before_id:
            q = q.where(Publication.id < before_id)
        q = q.order_by(Publication.id.desc()).limit(limit)
        return list((await self.session.execute(q)).scalars())

    async def bulk(self, record_type: str, day: date, today: date) -> list[Publication]:
        q = (select(Publication)
             .where(visible(today), Publication.record_type == record_type, Publication.published_on == day)
             .order_by(Publication.id))
        return list((await self.session.execute(q)).scalars())

    async def visible_of_type(self, record_type: str, source_key: str, today: date) -> Publication | None:
        q = select(Publication).where(visible(today), Publication.record_type == record_type,
                                      Publication.source_key == source_key)
        return (await self.session.execute(q)).scalar_one_or_none()

    async def feed(self, *, after_seq: int | None, uscc: str | None, authority: str | None,
                   limit: int) -> list[tuple[LogLeaf, Publication]]:
        """Log entries (with their publication) after leaf `after_seq` ascending, or the latest `limit`."""
        q = select(LogLeaf, Publication).join(Publication, Publication.id == LogLeaf.publication_id)
        if uscc:
            q = q.where(LogLeaf.uscc == uscc)
        if authority:
            q = q.where(LogLeaf.authority == authority)
        if after_seq is None:
            rows = (await self.session.execute(q.order_by(LogLeaf.seq.desc()).limit(limit))).all()
            return [(r[0], r[1]) for r in reversed(rows)]
        rows = (await self.session.execute(q.where(LogLeaf.seq > after_seq).order_by(LogLeaf.seq).limit(limit))).all()
        return [(r[0], r[1]) for r in rows]

    async def update_subject_facets(self, uscc: str, district: str | None, industry_code: str | None) -> None:
        values = {k: v for k, v in {"district": district, "industry_code": industry_code}.items() if v}
        if values:
            await self.session.execute(update(Publication).where(Publication.uscc == uscc).values(**values))


class SubjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, uscc: str) -> Subject | None:
        return await self.session.get(Subject, uscc)

    async def upsert(self, uscc: str, **values: Any) -> None:
        ins = pg_insert if self.session.bind.dialect.name == "postgresql" else sqlite_insert
        values = {k: v for k, v in values.items() if v is not None}
        stmt = ins(Subject).values(uscc=uscc, **values)
        stmt = stmt.on_conflict_do_update(index_elements=[Subject.uscc], set_=values) if values \
            else stmt.on_conflict_do_nothing()
        await self.session.execute(stmt)

    async def count_visible_by_type(self, uscc: str, today: date) -> dict[str, int]:
        q = (select(Publication.record_type, func.count()).where(visible(today), Publication.uscc == uscc)
             .group_by(Publication.record_type))
        return {rt: n for rt, n in (await self.session.execute(q)).all()}
