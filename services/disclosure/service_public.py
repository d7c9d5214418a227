"""Read use cases of the public: search, records, subject history, feeds, bulk files, draws, efficiency.

Only what is visible today is ever returned: published, not withdrawn, window not ended.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import LogLeaf, Publication, Subject
from services.disclosure.repository import (
    PublicationRepository,
    SearchFilters,
    SubjectRepository,
)
from services.disclosure.repository_efficiency import EfficiencyRepository
from services.disclosure.rules import feeds
from services.disclosure.rules.bulk import render_csv
from services.disclosure.rules.public_records import TYPE_LABELS
from services.disclosure.rules.publicity import RecordType, is_visible
from shared.errors import DomainError, NotFound, Unprocessable
from shared.paging import decode_cursor, encode_cursor

METRICS = ("inspection_result_published", "penalty_published", "withdrawal", "case_closed", "complaint_answered")
# Feed sequence numbers are log index + 1, so the cursor of 0 means "from the very beginning".
START_CURSOR = feeds.encode_cursor(0)


class Gone(DomainError):
    status, title, slug = 410, "Gone", "gone"


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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


# ---- feeds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedPage:
    entries: list[feeds.FeedEntry]
    next_cursor: str | None
    updated: datetime


def summary_of(pub: Publication) -> str:
    c = pub.content
    parts = [TYPE_LABELS[RecordType(pub.record_type)], f"机关 {pub.authority}", f"决定日期 {pub.decided_on.isoformat()}"]
    if pub.record_type == RecordType.PENALTY_DECISION:
        parts += [f"违法行为 {c.get('violation_type', '')}", f"处罚 {';'.join(c.get('penalty_kinds') or [])}",
                  f"罚款 {c.get('fine_amount', '0')} 元"]
    elif pub.record_type == RecordType.INSPECTION_RESULT:
        parts.append(f"结果 {c.get('result', '')}")
    elif c.get("reason"):
        parts.append(f"事由 {c['reason']}")
    return "；".join(parts)


def feed_entry(leaf: LogLeaf, pub: Publication, *, today: date, base_url: str) -> feeds.FeedEntry:
    at = aware(leaf.appended_at)
    url = f"{base_url}/site/records/{pub.id}"
    label = TYPE_LABELS[RecordType(pub.record_type)]
    if leaf.action == "withdraw":
        return feeds.FeedEntry(seq=leaf.seq + 1, id=feeds.entry_id(pub.id, "withdrawn"),
                               title=f"撤下 Withdrawn: {label} {pub.id}", summary=f"reason: {leaf.reason}",
                               url=url, published=at, updated=at, kind="withdrawn")
    if is_public(pub, today):
        return feeds.FeedEntry(seq=leaf.seq + 1, id=feeds.entry_id(pub.id, "published"), title=pub.title,
                               summary=summary_of(pub), url=url, published=at, updated=at, kind="published")
    # Content that has left the public view stays out of every feed page, old ones included.
    return feeds.FeedEntry(seq=leaf.seq + 1, id=feeds.entry_id(pub.id, "published"),
                           title=f"已不再公示 No longer public: {label} {pub.id}", summary="", url=url,
                           published=at, updated=at, kind="published")


async def feed(session: AsyncSession, *, cursor: str | None, uscc: str | None, authority: str | None, limit: int,
               today: date, base_url: str) -> FeedPage:
    """Entries after `cursor` in log order (all of them, gap-free), or the latest page without one."""
    after = None
    if cursor is not None:
        try:
            after = feeds.decode_cursor(cursor) - 1  # cursor = log index + 1
        except ValueError as exc:
            raise Unprocessable.field("query.cursor", "cursor.feed", str(exc)) from None
    rows = await PublicationRepository(session).feed(after_seq=after, uscc=uscc, authority=authority,
                                                     limit=limit + 1 if after is not None else limit)
    more = after is not None and len(rows) > limit
    rows = rows[:limit]
    entries = [feed_entry(leaf, pub, today=today, base_url=base_url) for leaf, pub in rows]
    updated = entries[-1].updated if entries else datetime(2020, 1, 1, tzinfo=UTC)
    return FeedPage(entries, feeds.encode_cursor(entries[-1].seq) if more else None, updated)


# ---- bulk, draws, efficiency ---------------------------------------------------------------------


def _flat(content: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict) else v
            for k, v in content.items()}


async def bulk_csv(session: AsyncSession, record_type: RecordType, day: date, *, today: date) -> str:
    if day > today:
        raise NotFound(f"no bulk file for {day.isoformat()} yet")
    pubs = await PublicationRepository(session).bulk(record_type.value, day, today)
    return render_csv(record_type, [_flat(p.content) for p in pubs])


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


async def efficiency(session: AsyncSession, month: str, department: str | None = None) -> list[dict[str, Any]]:
    rows = await EfficiencyRepository(session).month(month, department)
    by_department: dict[str, dict[str, dict[str, Any]]] = {}
    for dept, metric, total, on_time in rows:
        by_department.setdefault(dept, {})[metric] = {
            "total": total, "on_time": on_time, "share": round(on_time / total, 4) if total else None}
    return [{"department": d, "metrics": {m: metrics.get(m, {"total": 0, "on_time": 0, "share": None})
                                          for m in METRICS}}
            for d, metrics in sorted(by_department.items())]
