"""Feeds: Atom parses with feedparser, JSON Feed follows 1.1, and cursor sync is gap-free and duplicate-free
while records are being published concurrently (over the bus and from parallel transactions)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import feedparser
import pytest

from services.disclosure.handlers import make_handler
from services.disclosure.rules.feeds import entry_id
from tests.disclosure import support as s
from tests.support import wait_for

pytestmark = pytest.mark.anyio
START = "c2VxOjA"  # the cursor of sequence 0: from the very beginning


def assert_json_feed_1_1(doc: dict) -> None:
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(doc["title"], str) and doc["title"]
    for key in ("home_page_url", "feed_url", "next_url", "description", "language"):
        assert key not in doc or isinstance(doc[key], str)
    assert "author" not in doc  # deprecated in 1.1: `authors`
    assert all(isinstance(a, dict) and a.get("name") for a in doc.get("authors", []))
    assert all(k in JSON_FEED_TOP or k.startswith("_") for k in doc)
    seen = set()
    for item in doc["items"]:
        assert isinstance(item["id"], str) and item["id"] not in seen
        seen.add(item["id"])
        assert isinstance(item.get("content_text") or item.get("content_html"), str)
        for key in ("date_published", "date_modified"):
            datetime.fromisoformat(item[key])
        assert all(k in JSON_FEED_ITEM or k.startswith("_") for k in item)


JSON_FEED_TOP = {"version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url", "icon",
                 "favicon", "authors", "language", "expired", "hubs", "items"}
JSON_FEED_ITEM = {"id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
                  "banner_image", "date_published", "date_modified", "authors", "tags", "language", "attachments"}


async def test_feeds_parse_and_page(databases, authority, nats_server):
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url) as c:
        code = s.uscc()
        for i in range(5):
            await bus.send(s.result(code, f"上海订阅测试{i}有限公司", department="wjw" if i % 2 else "scjgj"))

        async def five():
            return len((await c.get("/public/feed.json")).json()["items"]) == 5

        await wait_for(five, timeout=15, what="five entries")
        atom = await c.get("/public/feed.atom", params={"cursor": START, "limit": 2})
        assert atom.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(atom.content)
        assert not parsed.bozo and parsed.version == "atom10" and len(parsed.entries) == 2
        assert any(link.rel == "next" for link in parsed.feed.links)
        doc = (await c.get("/public/feed.json", params={"cursor": START, "limit": 2})).json()
        assert_json_feed_1_1(doc)
        assert doc["next_url"] and len(doc["items"]) == 2
        by_authority = (await c.get("/public/feed.json", params={"authority": "wjw"})).json()
        assert len(by_authority["items"]) == 2
        assert len((await c.get("/public/feed.json", params={"uscc": code})).json()["items"]) == 5
        etag = atom.headers["etag"]
        again = await c.get("/public/feed.atom", params={"cursor": START, "limit": 2}, headers={"If-None-Match": etag})
        assert again.status_code == 304 and not again.content
        bad = await c.get("/public/feed.json", params={"cursor": "not-a-cursor!"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.cursor"


async def test_cursor_sync_is_gap_free_under_concurrent_publishing(databases, authority, nats_server):
    per_producer, direct_tasks, per_task = 25, 6, 5
    expected_total = 3 * per_producer + direct_tasks * per_task
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url) as c:
        handle = make_handler(c.app.state.clock)
        db = c.app.state.db

        async def over_the_bus(make) -> None:
            for i in range(per_producer):
                await bus.send(make(i))

        async def in_parallel_transactions(t: int) -> None:
            for i in range(per_task):
                event = s.event_for(s.result(s.uscc(), f"并发直写{t}-{i}有限公司"), "inspection")
                async with db.sessionmaker() as session, session.begin():
                    await handle(session, event)

        seen: list[str] = []
        seqs: list[int] = []

        async def integrator() -> None:
            cursor = START
            while len(seen) < expected_total:
                r = await c.get("/public/feed.json", params={"cursor": cursor, "limit": 7})
                assert r.status_code == 200, r.text
                doc = r.json()
                for item in doc["items"]:
                    seen.append(item["id"])
                    seqs.append(item["_disclosure"]["seq"])
                if doc["items"]:
                    cursor = doc["items"][-1]["_disclosure"]["cursor"]
                if not doc.get("next_url"):
                    await asyncio.sleep(0.01)

        reader = asyncio.create_task(integrator())
        await asyncio.gather(
            over_the_bus(lambda i: s.result(s.uscc(), f"并发检查{i}有限公司")),
            over_the_bus(lambda i: s.decision(s.uscc(), f"并发处罚{i}有限公司")),
            over_the_bus(lambda i: s.list_entry(s.uscc(), f"并发名录{i}有限公司")),
            *(in_parallel_transactions(t) for t in range(direct_tasks)),
        )
        await asyncio.wait_for(reader, timeout=45)

        published, cursor = [], None
        while True:
            page = (await c.get("/public/records", params={"limit": 100, **({"cursor": cursor} if cursor else {})}))
            published += [r["id"] for r in page.json()["items"]]
            cursor = page.json()["next_cursor"]
            if not cursor:
                break
        assert len(published) == expected_total
        assert len(seen) == len(set(seen)) == expected_total  # nothing doubled
        assert set(seen) == {entry_id(pid, "published") for pid in published}  # nothing missed
        assert seqs == list(range(1, expected_total + 1))  # in log order, no holes


def _links(doc: dict) -> list[str]:
    return [doc["home_page_url"], doc["feed_url"], *([doc["next_url"]] if "next_url" in doc else []),
            *(item["url"] for item in doc["items"])]


async def test_feeds_link_to_the_public_address_and_page_back_with_next_url(databases, authority, nats_server):
    public = "https://supervision.example.test:9443"
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url, public_base_url=public) as c:
        code = s.uscc()
        for i in range(5):
            await bus.send(s.result(code, f"上海回翻测试{i}有限公司"))

        async def five():
            return len((await c.get("/public/feed.json")).json()["items"]) == 5

        await wait_for(five, timeout=15, what="five entries")
        # Paging back from the latest page: 2 + 2 + 1, newest page first, each page in log order.
        pages, url = [], f"{public}/public/feed.json?uscc={code}&limit=2"
        while url:
            assert url.startswith(public + "/public/feed.json?")
            doc = (await c.get(url.removeprefix(public))).json()
            assert_json_feed_1_1(doc)
            assert all(link.startswith(public + "/") for link in _links(doc)), _links(doc)
            pages.append([item["_disclosure"]["seq"] for item in doc["items"]])
            url = doc.get("next_url")
        assert [len(p) for p in pages] == [2, 2, 1]
        assert sorted(seq for p in pages for seq in p) == [seq for p in reversed(pages) for seq in p]
        assert len({seq for p in pages for seq in p}) == 5
        # Syncing forward keeps its own next_url; Atom links sit on the public address too.
        forward = (await c.get("/public/feed.json", params={"cursor": START, "limit": 2})).json()
        assert forward["next_url"].startswith(f"{public}/public/feed.json?cursor=")
        atom = feedparser.parse((await c.get("/public/feed.atom", params={"uscc": code, "limit": 2})).content)
        hrefs = [link.href for link in atom.feed.links] + [e.link for e in atom.entries]
        assert {link.rel for link in atom.feed.links} >= {"self", "alternate", "next"}
        assert hrefs and all(h.startswith(public + "/") for h in hrefs), hrefs
        both = await c.get("/public/feed.json", params={"cursor": START, "before": START})
        assert both.status_code == 422 and both.json()["errors"][0]["field"] == "query.before"


async def test_bulk_files_say_when_their_data_is_current_as_of(databases, authority, nats_server):
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url) as c:
        code = s.uscc()
        for i in range(2):
            await bus.send(s.result(code, f"上海截至测试{i}有限公司"))

        async def two():
            return len((await c.get("/public/records", params={"uscc": code})).json()["items"]) == 2

        await wait_for(two, timeout=15, what="two records")
        record = (await c.get("/public/records", params={"uscc": code})).json()["items"][0]
        feed = (await c.get("/public/feed.json")).json()
        latest = max(item["date_published"] for item in feed["items"])
        bulk = await c.get(f"/public/bulk/{record['record_type']}/{record['published_on']}.csv")
        assert bulk.status_code == 200 and code in bulk.text
        assert bulk.headers["data-current-as-of"] == latest  # the log's last entry, as the feed shows it
        assert datetime.strptime(bulk.headers["last-modified"], "%a, %d %b %Y %H:%M:%S GMT").replace(
            tzinfo=UTC) == datetime.fromisoformat(latest).replace(microsecond=0)
