import base64
import json
from datetime import UTC, datetime

import feedparser
import pytest

from services.disclosure.rules.feeds import (
    JSON_FEED_VERSION,
    FeedEntry,
    FeedMeta,
    decode_cursor,
    encode_cursor,
    entry_id,
    page_after,
    render_atom,
    render_json_feed,
)

META = FeedMeta(
    id="tag:disclosure.example,2024:penalties",
    title="行政处罚信息公示",
    home_page_url="https://disclosure.example/penalties",
    feed_url="https://disclosure.example/feeds/penalties.atom",
    updated=datetime(2024, 5, 6, 8, 0, tzinfo=UTC),
    description="上海市行政处罚决定公示与撤回",
)


def entry(seq, kind="published", record="r1"):
    return FeedEntry(
        seq=seq,
        id=entry_id(f"{record}-{seq}", kind),
        title=("撤回：" if kind == "withdrawn" else "")
        + f"某某有限公司行政处罚决定 {seq}",
        summary="违反《食品安全法》，罚款人民币五万元",
        url=f"https://disclosure.example/records/{record}-{seq}",
        published=datetime(2024, 5, seq, 9, 30, tzinfo=UTC),
        updated=datetime(2024, 5, seq, 10, 0, tzinfo=UTC),
        kind=kind,
    )


ENTRIES = [entry(3, "withdrawn"), entry(1), entry(2)]


def test_atom_parses_with_feedparser_in_sequence_order():
    parsed = feedparser.parse(
        render_atom(META, ENTRIES, next_url="https://disclosure.example/next")
    )
    assert not parsed.bozo
    assert parsed.version == "atom10"
    assert parsed.feed.title == META.title
    assert [e.id for e in parsed.entries] == [
        entry(1).id,
        entry(2).id,
        entry(3, "withdrawn").id,
    ]
    assert parsed.entries[2].title.startswith("撤回：")
    assert [e.tags[0].term for e in parsed.entries] == [
        "published",
        "published",
        "withdrawn",
    ]
    assert parsed.entries[0].link == entry(1).url
    assert parsed.entries[0].published_parsed[:5] == (2024, 5, 1, 9, 30)
    assert any(link.rel == "next" for link in parsed.feed.links)


def test_atom_output_is_deterministic():
    assert render_atom(META, ENTRIES) == render_atom(META, list(reversed(ENTRIES)))
    assert b"2024-05-06T08:00:00+00:00" in render_atom(META, ENTRIES)


def test_duplicate_sequence_numbers_are_refused():
    with pytest.raises(ValueError):
        render_atom(META, [entry(1), entry(1, record="r2")])


def test_json_feed_shape():
    feed = render_json_feed(
        META, ENTRIES, "https://disclosure.example/feeds/penalties.json?cursor=x"
    )
    assert feed["version"] == JSON_FEED_VERSION == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == META.title and feed["next_url"].endswith("cursor=x")
    item = feed["items"][0]
    assert set(item) >= {
        "id",
        "url",
        "title",
        "content_text",
        "date_published",
        "date_modified",
    }
    assert item["date_published"] == "2024-05-01T09:30:00Z"
    assert [i["_disclosure"]["seq"] for i in feed["items"]] == [1, 2, 3]
    assert feed["items"][2]["tags"] == ["withdrawn"]
    assert decode_cursor(feed["items"][1]["_disclosure"]["cursor"]) == 2
    json.dumps(feed, ensure_ascii=False)  # serialisable as is


def test_json_feed_without_next_page_has_no_next_url():
    assert "next_url" not in render_json_feed(META, ENTRIES, None)


def test_entry_ids_are_stable_urns_distinct_per_kind():
    assert entry_id("r1", "published") == entry_id("r1", "published")
    assert entry_id("r1", "published") != entry_id("r1", "withdrawn")
    assert entry_id("r1", "published").startswith("urn:uuid:")


@pytest.mark.parametrize("seq", [0, 1, 42, 2**53])
def test_cursor_round_trip(seq):
    cursor = encode_cursor(seq)
    assert "=" not in cursor and decode_cursor(cursor) == seq


def test_cursor_is_opaque_base64url():
    assert (
        base64.urlsafe_b64decode(
            encode_cursor(42) + "=" * (-len(encode_cursor(42)) % 4)
        )
        == b"seq:42"
    )


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not a cursor!",
        "a" * 65,
        base64.urlsafe_b64encode(b"seq:-1").decode().rstrip("="),
        base64.urlsafe_b64encode(b"seq:007").decode().rstrip("="),
        base64.urlsafe_b64encode(b"page:5").decode().rstrip("="),
        base64.urlsafe_b64encode(b"seq:\xd9\xa3").decode().rstrip("="),
        base64.urlsafe_b64encode(b"seq:1").decode(),  # padded: not the canonical form
        "A",
    ],
)
def test_bad_cursor_raises_value_error_with_reason(bad):
    with pytest.raises(ValueError, match="invalid cursor"):
        decode_cursor(bad)


def test_encode_refuses_negative_sequence():
    with pytest.raises(ValueError):
        encode_cursor(-1)


def test_paging_walks_the_log_without_gaps_or_repeats():
    entries = [entry(i) for i in range(1, 8)]
    seen, cursor = [], None
    while True:
        page, cursor = page_after(entries, cursor, 3)
        seen += [e.seq for e in page]
        if cursor is None:
            break
    assert seen == list(range(1, 8))
