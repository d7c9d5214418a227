"""Read use cases of the public: search, one record, a subject's history, draws.

Only what is visible today is ever returned: published, not withdrawn, window not ended.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import Publication, Subject
from services.disclosure.publications.repository import (
    PublicationRepository,
    SearchFilters,
    SubjectRepository,
)
from services.disclosure.rules.publicity import RecordType, is_visible
from shared.errors import DomainError, NotFound, Unprocessable
from shared.paging import decode_cursor, encode_cursor


class Gone(DomainError):
    status, title, slug = 410, "Gone", "gone"


def is_public(pub: Publication, today: date) -> bool:
    return pub.status == "public" and is_visible(pub, today)


@dataclass(frozen=True)
class Page:
    items: list[Publication]
    next_cursor: str | None


def _before(cursor: str | None) -> str | None:
    problem = Unprocessable.field("query.cursor", "cursor.opaque", "not a cursor this API issued; start again without it")
    try:
        position = decode_cursor(cursor)
    except Unprocessable:
        raise problem from None
    if position is None:
        return None
    before = position.get("before")
    if not isinstance(before, str) or len(before) != 36:
        raise problem
    return before


async def search(session: AsyncSession, filters: SearchFilters, *, today: date, cursor: str | None,
                 limit: int) -> Page:
    rows = await PublicationRepository(session).search(filters, today, before_id=_before(cursor), limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor({"before": rows[-1].id}) if more and rows else None)


async def record(session: AsyncSession, publication_id: str, *, today: date) -> Publication:
    pub = await PublicationRepository(session).get(publication_id)
    if pub is None:
        raise NotFound(f"no record {publication_id}")
    if not is_public(pub, today):
        raise Gone(f"record {publication_id} is no longer public", log_indexes=[
            i for i in (pub.publish_log_index, pub.withdraw_log_index) if i is not None])
    return pub


@dataclass(frozen=True)
class SubjectView:
    uscc: str
    name: str | None
    district: str | None
    industry_code: str | None
    subject: Subject | None
    counts: dict[str, int]
    page: Page


async def subject_history(session: AsyncSession, uscc: str, *, today: date, cursor: str | None, limit: int,
                          record_type: str | None = None) -> SubjectView:
    subject = await SubjectRepository(session).get(uscc)
    page = await search(session, SearchFilters(uscc=uscc, record_type=record_type), today=today, cursor=cursor,
                        limit=limit)
    counts = await SubjectRepository(session).count_visible_by_type(uscc, today)
    if subject is None and not counts:
        raise NotFound(f"nothing is published about {uscc}")
    name = subject.name if subject and subject.name else (page.items[0].subject_name if page.items else None)
    district = (subject.district if subject else None) or (page.items[0].district if page.items else uscc[2:8])
    return SubjectView(uscc, name, district, subject.industry_code if subject else None, subject, counts, page)


@dataclass(frozen=True)
class DrawView:
    plan: Publication | None
    draw: Publication | None
    seed: str | None
    seed_matches_commitment: bool | None
    root_matches_plan: bool | None
    selected: list[str]


async def draw(session: AsyncSession, plan_id: str, *, today: date) -> DrawView:
    repo = PublicationRepository(session)
    plan = await repo.visible_of_type(RecordType.INSPECTION_PLAN.value, plan_id, today)
    drawn = await repo.visible_of_type(RecordType.INSPECTION_DRAW.value, plan_id, today)
    if plan is None and drawn is None:
        raise NotFound(f"no published plan or draw {plan_id}")
    record = (drawn.content.get("verification") or {}) if drawn else {}
    commitment = (plan.content.get("seed_commitment") if plan else None) or record.get("seed_commitment")
    seed = record.get("seed")
    matches = None
    if seed and commitment:
        try:
            # Commit-reveal: the revealed seed must hash to the commitment published before the draw.
            matches = hashlib.sha256(bytes.fromhex(seed)).hexdigest() == commitment
        except ValueError:
            matches = False
    root_ok = None
    if plan and drawn:
        root_ok = plan.content.get("population_root") == record.get("population_root")
    selected = [u for s in record.get("strata") or [] for u in s.get("selected") or []]
    return DrawView(plan, drawn, seed, matches, root_ok, selected)
