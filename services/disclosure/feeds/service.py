"""Read use cases of the feeds: change feeds in log order, and the daily bulk files.

Only what is visible today is ever shown: an entry whose record left the public view keeps its
place in the feed, without its content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import LogLeaf, Publication
from services.disclosure.public.service import is_public
from services.disclosure.publications.repository import PublicationRepository
from services.disclosure.rules import feeds
from services.disclosure.rules.bulk import render_csv
from services.disclosure.rules.public_records import TYPE_LABELS
from services.disclosure.rules.publicity import RecordType
from shared.errors import NotFound, Unprocessable

# Feed sequence numbers are log index + 1, so the cursor of 0 means "from the very beginning".
START_CURSOR = feeds.encode_cursor(0)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class FeedPage:
    entries: list[feeds.FeedEntry]
    next_cursor: str | None  # syncing forward: ask with cursor= this for what follows
    older: str | None  # paging back from the latest: ask with before= this for the page before
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


def _leaf_position(token: str, field: str) -> int:
    try:
        return feeds.decode_cursor(token) - 1  # cursor = log index + 1
    except ValueError as exc:
        raise Unprocessable.field(field, "cursor.feed", str(exc)) from None


async def feed(session: AsyncSession, *, cursor: str | None, uscc: str | None, authority: str | None, limit: int,
               today: date, base_url: str, before: str | None = None) -> FeedPage:
    """Entries after `cursor` in log order (all of them, gap-free); without one, the latest page or
    the page just before `before`, with the position of the page before it while there is one."""
    after = _leaf_position(cursor, "query.cursor") if cursor is not None else None
    below = _leaf_position(before, "query.before") if before is not None else None
    if after is not None and below is not None:
        raise Unprocessable.field("query.before", "feed.one_direction",
                                  "give cursor (sync forward) or before (page back), not both")
    rows = await PublicationRepository(session).feed(after_seq=after, before_seq=below, uscc=uscc,
                                                     authority=authority, limit=limit + 1)
    # One row beyond the page says whether there is more in the direction of travel.
    more = len(rows) > limit
    rows = rows[:limit] if after is not None else rows[-limit:]
    entries = [feed_entry(leaf, pub, today=today, base_url=base_url) for leaf, pub in rows]
    updated = entries[-1].updated if entries else datetime(2020, 1, 1, tzinfo=UTC)
    forward = feeds.encode_cursor(entries[-1].seq) if more and after is not None else None
    older = feeds.encode_cursor(entries[0].seq) if more and after is None else None
    return FeedPage(entries, forward, older, updated)


# ---- bulk files ------------------------------------------------------------------------------


def _flat(content: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict) else v
            for k, v in content.items()}


async def bulk_csv(session: AsyncSession, record_type: RecordType, day: date, *,
                   today: date) -> tuple[str, datetime | None]:
    """The day's file and the moment its data is current as of (the log's last entry; None before any)."""
    if day > today:
        raise NotFound(f"no bulk file for {day.isoformat()} yet")
    repo = PublicationRepository(session)
    pubs = await repo.bulk(record_type.value, day, today)
    as_of = await repo.last_change()
    return render_csv(record_type, [_flat(p.content) for p in pubs]), (aware(as_of) if as_of else None)
