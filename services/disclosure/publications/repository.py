"""Queries over publications, the subjects read model and early withdrawals. Nothing else touches the
session's query API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import EarlyWithdrawal, LogLeaf, Publication, Subject

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
# Statements of every event and every feed poll, built once (values are parameters).
_SOURCE_EXISTS = (select(Publication.id).where(Publication.record_type == bindparam("record_type"),
                                               Publication.source_key == bindparam("source_key")).limit(1))
_FEEDS: dict[tuple[bool, bool, str], Any] = {}


def _feed_query(by_uscc: bool, by_authority: bool, direction: str) -> Any:
    """The feed's query for this combination of filters and direction, built on first use:
    `after` ascending from a leaf, `before` descending below one, `latest` descending from the top."""
    key = (by_uscc, by_authority, direction)
    if key not in _FEEDS:
        q = select(LogLeaf, Publication).join(Publication, Publication.id == LogLeaf.publication_id)
        if by_uscc:
            q = q.where(LogLeaf.uscc == bindparam("uscc"))
        if by_authority:
            q = q.where(LogLeaf.authority == bindparam("authority"))
        if direction == "after":
            q = q.where(LogLeaf.seq > bindparam("after_seq")).order_by(LogLeaf.seq)
        else:
            if direction == "before":
                q = q.where(LogLeaf.seq < bindparam("before_seq"))
            q = q.order_by(LogLeaf.seq.desc())
        _FEEDS[key] = q.limit(bindparam("limit"))
    return _FEEDS[key]


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
        params = {"record_type": record_type, "source_key": source_key}
        return (await self.session.execute(_SOURCE_EXISTS, params)).first() is not None

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

    async def last_change(self) -> datetime | None:
        """When the log last grew: every public view reflects the publications and withdrawals up to then."""
        return (await self.session.execute(select(func.max(LogLeaf.appended_at)))).scalar_one_or_none()

    async def visible_of_type(self, record_type: str, source_key: str, today: date) -> Publication | None:
        q = select(Publication).where(visible(today), Publication.record_type == record_type,
                                      Publication.source_key == source_key)
        return (await self.session.execute(q)).scalar_one_or_none()

    async def feed(self, *, after_seq: int | None, uscc: str | None, authority: str | None,
                   limit: int, before_seq: int | None = None) -> list[tuple[LogLeaf, Publication]]:
        """Log entries (with their publication) in ascending order: those after leaf `after_seq`, or
        the last `limit` below leaf `before_seq`, or the latest `limit`."""
        direction = "after" if after_seq is not None else ("before" if before_seq is not None else "latest")
        q = _feed_query(bool(uscc), bool(authority), direction)
        params = {"uscc": uscc, "authority": authority, "after_seq": after_seq, "before_seq": before_seq,
                  "limit": limit}
        rows = (await self.session.execute(q, {k: v for k, v in params.items() if v is not None})).all()
        pairs = [(r[0], r[1]) for r in rows]
        return pairs if direction == "after" else pairs[::-1]

    async def update_subject_facets(self, uscc: str, district: str | None, industry_code: str | None) -> None:
        values = {k: v for k, v in {"district": district, "industry_code": industry_code}.items() if v}
        if values:
            await self.session.execute(update(Publication).where(Publication.uscc == uscc).values(**values))


class SubjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, uscc: str) -> Subject | None:
        return await self.session.get(Subject, uscc)

    async def names_of(self, usccs: Sequence[str]) -> dict[str, str]:
        """Registered names of these subjects (those known), for the draw page."""
        out: dict[str, str] = {}
        for i in range(0, len(usccs), 1000):
            q = select(Subject.uscc, Subject.name).where(Subject.uscc.in_(usccs[i : i + 1000]), Subject.name.is_not(None))
            out.update((u, n) for u, n in await self.session.execute(q))
        return out

    async def upsert(self, uscc: str, **values: Any) -> None:
        ins = pg_insert if self.session.bind.dialect.name == "postgresql" else sqlite_insert
        values = {k: v for k, v in values.items() if v is not None}
        stmt = ins(Subject).values(uscc=uscc, **values)
        stmt = stmt.on_conflict_do_update(index_elements=[Subject.uscc], set_=values) if values \
            else stmt.on_conflict_do_nothing()
        await self.session.execute(stmt)

    async def upsert_profile(self, uscc: str, at: datetime | None, **values: Any) -> bool:
        """Write the profile unless a newer one (emitted after `at`) is held; whether it was written."""
        values = {k: v for k, v in values.items() if v is not None}
        newer_held = None
        if at is not None:
            values["profile_at"] = at = at.astimezone(UTC)
            newer_held = or_(Subject.profile_at.is_(None), Subject.profile_at <= at)
        return await self._upsert_where(uscc, values, newer_held)

    async def upsert_grade(self, uscc: str, grade: str, as_of: date | None, rule_set_version: str | None,
                           at: datetime | None) -> bool:
        """Write the grade unless a newer one is held: a later `as_of`, or the same day emitted after `at`."""
        values = {"grade": grade, "grade_as_of": as_of, "grade_rule_set_version": rule_set_version}
        values = {k: v for k, v in values.items() if v is not None}
        if as_of is None:
            return await self._upsert_where(uscc, values, None)
        same_day = Subject.grade_as_of == as_of
        if at is not None:
            values["grade_at"] = at = at.astimezone(UTC)
            same_day = and_(same_day, or_(Subject.grade_at.is_(None), Subject.grade_at <= at))
        return await self._upsert_where(uscc, values, or_(Subject.grade_as_of.is_(None),
                                                          Subject.grade_as_of < as_of, same_day))

    async def _upsert_where(self, uscc: str, values: dict[str, Any], where: Any) -> bool:
        ins = pg_insert if self.session.bind.dialect.name == "postgresql" else sqlite_insert
        stmt = ins(Subject).values(uscc=uscc, **values)
        stmt = stmt.on_conflict_do_update(index_elements=[Subject.uscc], set_=values, where=where) if values \
            else stmt.on_conflict_do_nothing()
        return (await self.session.execute(stmt)).rowcount > 0

    async def count_visible_by_type(self, uscc: str, today: date) -> dict[str, int]:
        q = (select(Publication.record_type, func.count()).where(visible(today), Publication.uscc == uscc)
             .group_by(Publication.record_type))
        return {rt: n for rt, n in (await self.session.execute(q)).all()}


# Withdrawals kept until the record they withdraw is published.
class EarlyWithdrawalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: EarlyWithdrawal) -> None:
        self.session.add(row)
        await self.session.flush()

    async def ever_published(self, refs: Sequence[str], *, uscc: str | None,
                             record_types: Sequence[str] | None) -> bool:
        """Whether any record (public or not any more) matches, by the rule of `public_by_refs`."""
        q = select(Publication.id).where(or_(Publication.source_key.in_(list(refs)),
                                             Publication.source_ref.in_(list(refs))))
        if uscc:
            q = q.where(or_(Publication.uscc == uscc, Publication.uscc.is_(None)))
        if record_types:
            q = q.where(Publication.record_type.in_(list(record_types)))
        return (await self.session.execute(q.limit(1))).first() is not None

    async def waiting_for(self, keys: Sequence[str]) -> list[EarlyWithdrawal]:
        """Unapplied withdrawals naming one of `keys`, oldest first."""
        keys = list(keys)
        q = (select(EarlyWithdrawal)
             .where(or_(EarlyWithdrawal.ref_a.in_(keys), EarlyWithdrawal.ref_b.in_(keys)),
                    EarlyWithdrawal.applied_to.is_(None))
             .order_by(EarlyWithdrawal.received_at, EarlyWithdrawal.id))
        return list((await self.session.execute(q)).scalars())
