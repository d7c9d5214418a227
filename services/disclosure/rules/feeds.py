"""Change feeds of published and withdrawn records: Atom (RFC 4287) and JSON Feed 1.1.

Entries are ordered by the log sequence number, ascending, so a subscriber syncs
incrementally: it keeps the cursor of the last entry it saw and asks for what follows.
Every time in the output is given by the caller (feed `updated`, entry times), so the same
input always renders the same bytes and ETags stay stable.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any, Literal

from feedgen.feed import FeedGenerator

from services.disclosure.rules.canonical import canonical_timestamp

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# Fixed namespace for entry ids: the same record and kind give the same id on every server.
ENTRY_NAMESPACE = uuid.UUID("6f1d1c2e-3b0a-5c7e-9d4f-2a8b7c6e5d40")

EntryKind = Literal["published", "withdrawn"]


@dataclass(frozen=True)
class FeedMeta:
    id: str  # stable URI of the feed (urn:uuid: or tag:)
    title: str
    home_page_url: str
    feed_url: str
    updated: datetime  # given explicitly: deterministic output
    description: str = ""
    language: str = "zh-CN"
    author_name: str = "上海市事中事后监管平台"


@dataclass(frozen=True)
class FeedEntry:
    seq: int  # log sequence number: the order and the cursor
    id: str
    title: str
    summary: str
    url: str
    published: datetime
    updated: datetime
    kind: EntryKind = "published"


def entry_id(record_id: str, kind: EntryKind) -> str:
    """Stable urn:uuid for the publication (or withdrawal) of one record."""
    return "urn:uuid:" + str(uuid.uuid5(ENTRY_NAMESPACE, f"{kind}:{record_id}"))


def _ordered(entries: Iterable[FeedEntry]) -> list[FeedEntry]:
    ordered = sorted(entries, key=lambda e: e.seq)
    for a, b in pairwise(ordered):
        if a.seq == b.seq:
            raise ValueError(f"duplicate sequence number {a.seq}")
    for e in ordered:
        if e.kind not in ("published", "withdrawn"):
            raise ValueError(f"unknown entry kind {e.kind!r}")
    return ordered


def render_atom(
    meta: FeedMeta, entries: Iterable[FeedEntry], next_url: str | None = None
) -> bytes:
    fg = FeedGenerator()
    fg.id(meta.id)
    fg.title(meta.title)
    fg.author({"name": meta.author_name})
    fg.link(href=meta.feed_url, rel="self", type="application/atom+xml")
    fg.link(href=meta.home_page_url, rel="alternate", type="text/html")
    if next_url:
        fg.link(
            href=next_url, rel="next", type="application/atom+xml"
        )  # RFC 5005 paging
    fg.language(meta.language)
    if meta.description:
        fg.subtitle(meta.description)
    fg.updated(meta.updated)
    for e in _ordered(entries):
        fe = fg.add_entry(order="append")
        fe.id(e.id)
        fe.title(e.title)
        fe.summary(e.summary)
        fe.link(href=e.url, rel="alternate")
        fe.published(e.published)
        fe.updated(e.updated)
        fe.category(term=e.kind, scheme="urn:supervision:disclosure:kind")
    return fg.atom_str(pretty=False)


def render_json_feed(
    meta: FeedMeta, entries: Iterable[FeedEntry], next_url: str | None
) -> dict[str, Any]:
    """A JSON Feed 1.1 document. `_disclosure` is our extension (seq, kind, cursor)."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": meta.title,
        "home_page_url": meta.home_page_url,
        "feed_url": meta.feed_url,
        "language": meta.language,
        "authors": [{"name": meta.author_name}],
        "_disclosure": {"id": meta.id, "updated": canonical_timestamp(meta.updated)},
        "items": [
            {
                "id": e.id,
                "url": e.url,
                "title": e.title,
                "summary": e.summary,
                "content_text": e.summary,  # 1.1: an item needs content_text or content_html
                "date_published": canonical_timestamp(e.published),
                "date_modified": canonical_timestamp(e.updated),
                "tags": [e.kind],
                "_disclosure": {
                    "seq": e.seq,
                    "kind": e.kind,
                    "cursor": encode_cursor(e.seq),
                },
            }
            for e in _ordered(entries)
        ],
    }
    if meta.description:
        feed["description"] = meta.description
    if next_url:
        feed["next_url"] = next_url
    return feed


# ---- cursors -------------------------------------------------------------------------------

_CURSOR_PREFIX = "seq:"
_CURSOR_CHARS = re.compile(r"[A-Za-z0-9_-]{1,64}")


def encode_cursor(seq: int) -> str:
    """Opaque base64url (unpadded) token naming a position in the log."""
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError("cursor sequence number must be a non-negative integer")
    raw = (_CURSOR_PREFIX + str(seq)).encode("ascii")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> int:
    """The sequence number in a cursor; ValueError (with the reason) for anything else."""
    if not isinstance(cursor, str) or not _CURSOR_CHARS.fullmatch(cursor):
        raise ValueError("invalid cursor: not a base64url token")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode(
            "ascii"
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("invalid cursor: cannot be decoded") from exc
    digits = raw.removeprefix(_CURSOR_PREFIX)
    if digits == raw or not digits.isdigit() or not digits.isascii():
        raise ValueError("invalid cursor: unknown format")
    seq = int(digits)
    if encode_cursor(seq) != cursor:  # one token per position: no aliases
        raise ValueError("invalid cursor: not in canonical form")
    return seq


def page_after(
    entries: Sequence[FeedEntry], cursor: str | None, limit: int
) -> tuple[list[FeedEntry], str | None]:
    """Entries after the cursor (all from the start when None), at most `limit`, and the
    cursor to ask with next time (None when this page reached the end)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    after = decode_cursor(cursor) if cursor is not None else -1
    rest = [e for e in _ordered(entries) if e.seq > after]
    page = rest[:limit]
    return page, (encode_cursor(page[-1].seq) if len(rest) > limit else None)
