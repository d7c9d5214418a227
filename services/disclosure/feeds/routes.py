"""Change feeds (Atom, JSON Feed 1.1) synced by log sequence number, and daily bulk CSV files."""

from __future__ import annotations

import json
from email.utils import format_datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request, Response

from services.disclosure.deps import (
    ClockDep,
    PublicPageSize,
    base_url,
    cached,
    checked_uscc,
)
from services.disclosure.feeds import service as feeds_service
from services.disclosure.rules import feeds
from services.disclosure.rules.canonical import canonical_timestamp
from services.disclosure.rules.publicity import RecordType
from shared.app import problem_responses
from shared.contracts.dates import IsoDate
from shared.web import SnapshotSessionDep

router = APIRouter(tags=["feeds and bulk"])

FeedCursor = Annotated[str | None, Query(
    max_length=64, description="sync position: the `cursor` of the last entry you have (the feed's `start_cursor` "
                               "for everything from the beginning); without it, the latest entries")]
FeedBefore = Annotated[str | None, Query(
    max_length=64, description="page back: the `cursor` of the oldest entry you have from a page without "
                               "`cursor`; answers the page just before it (the feed's `next_url` gives it)")]
FeedUscc = Annotated[str | None, Query(max_length=18, description="only this subject's entries")]
FeedAuthority = Annotated[str | None, Query(pattern=r"^[a-z0-9_-]{1,40}$", description="only this department's")]

FEED_DESCRIPTION = ("Entries are log entries in sequence order: `published` when a record is published, "
                    "`withdrawn` when it leaves the public view (repair, revocation, window end). Sync: keep the "
                    "cursor of the last entry, ask with `cursor=` and follow `next` (JSON Feed `next_url`) until there is none; "
                    "entries are never skipped or repeated, even while records are being published. Without a cursor "
                    "the latest entries come first, and `next`/`next_url` pages back to older ones (`before=`). "
                    "Every link is absolute, on the platform's public address. "
                    "Supports `If-None-Match` (304).")


async def _page(request: Request, session, clock, *, path: str, cursor, before, uscc, authority, limit):
    code = checked_uscc(uscc, "query.uscc")
    page = await feeds_service.feed(session, cursor=cursor, before=before, uscc=code, authority=authority,
                                     limit=limit, today=clock.today(), base_url=base_url(request))
    keep = {k: v for k, v in {"uscc": code, "authority": authority}.items() if v}
    url = lambda **extra: f"{base_url(request)}{path}" + (
        "?" + urlencode({**keep, **extra}) if keep or extra else "")
    scope = f" {code}" if code else (f" {authority}" if authority else "")
    meta = feeds.FeedMeta(
        id=f"tag:supervision.example.gov.cn,2026:disclosure{path}" + (f"?{urlencode(keep)}" if keep else ""),
        title=f"公示信息变更 Disclosure changes{scope}", home_page_url=f"{base_url(request)}/site/",
        feed_url=url(**({"cursor": cursor} if cursor else {}), **({"before": before} if before else {})),
        updated=page.updated,
        description="新公示与撤下的记录 New and withdrawn public records")
    next_url = url(cursor=page.next_cursor, limit=str(limit)) if page.next_cursor else (
        url(before=page.older, limit=str(limit)) if page.older else None)
    return page, meta, next_url


@router.get("/public/feed.atom", summary="Atom feed of new and withdrawn records", description=FEED_DESCRIPTION,
            response_class=Response, responses={200: {"content": {"application/atom+xml": {}}},
                                                **problem_responses(422)})
async def atom_feed(request: Request, session: SnapshotSessionDep, clock: ClockDep, cursor: FeedCursor = None,
                    before: FeedBefore = None, uscc: FeedUscc = None, authority: FeedAuthority = None, limit: PublicPageSize = 50) -> Response:
    page, meta, next_url = await _page(request, session, clock, path="/public/feed.atom", cursor=cursor, before=before, uscc=uscc,
                                       authority=authority, limit=limit)
    return cached(request, feeds.render_atom(meta, page.entries, next_url), "application/atom+xml")


@router.get("/public/feed.json", summary="JSON Feed 1.1 of new and withdrawn records", description=FEED_DESCRIPTION,
            response_class=Response, responses={200: {"content": {"application/feed+json": {"example": {
                "version": "https://jsonfeed.org/version/1.1", "title": "公示信息变更 Disclosure changes",
                "items": [{"id": "urn:uuid:…", "title": "行政处罚 …", "content_text": "…",
                           "_disclosure": {"seq": 42, "kind": "published", "cursor": "c2VxOjQy"}}]}}}},
                **problem_responses(422)})
async def json_feed(request: Request, session: SnapshotSessionDep, clock: ClockDep, cursor: FeedCursor = None,
                    before: FeedBefore = None, uscc: FeedUscc = None, authority: FeedAuthority = None, limit: PublicPageSize = 50) -> Response:
    page, meta, next_url = await _page(request, session, clock, path="/public/feed.json", cursor=cursor, before=before, uscc=uscc,
                                       authority=authority, limit=limit)
    doc = feeds.render_json_feed(meta, page.entries, next_url)
    doc["_disclosure"]["start_cursor"] = feeds_service.START_CURSOR
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    return cached(request, body, "application/feed+json")


@router.get("/public/bulk/{record_type}/{day}.csv", summary="Daily bulk file of one record type",
            description="Every record of the type published on that day and still public, as UTF-8 CSV (with BOM, "
                        "CRLF, fixed columns per type; see the column keys in the header row). The data is current "
                        "as of the `Data-Current-As-Of` header (RFC 3339, UTC; also `Last-Modified`): the last "
                        "publication or withdrawal the platform had logged when the file was made.",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}, **problem_responses(404, 422)})
async def bulk_file(request: Request, session: SnapshotSessionDep, clock: ClockDep, record_type: RecordType,
                    day: Annotated[IsoDate, Path(description="publication date", examples=["2026-11-05"])]) -> Response:
    text, as_of = await feeds_service.bulk_csv(session, record_type, day, today=clock.today())
    current = {"Last-Modified": format_datetime(as_of, usegmt=True),
               "Data-Current-As-Of": canonical_timestamp(as_of)} if as_of else {}
    return cached(request, text.encode("utf-8"), "text/csv; charset=utf-8", max_age=300, headers={
        "Content-Disposition": f'attachment; filename="{record_type.value}-{day.isoformat()}.csv"', **current})
