"""Benchmark of public search at scale: python -m bench.disclosure_search --n 1000000 --db-url URL.

Loads N synthetic published records into a migrated disclosure database (PostgreSQL: binary
COPY with the secondary indexes dropped and rebuilt afterwards, as a restore does; SQLite:
batched inserts), then times the service's own search query (the repository's, with the
visibility filter and keyset paging) by USCC and by name fragment, and prints p50/p99.
Goal on PostgreSQL: p99 <= 20 ms. Reuses the records already loaded when the count matches.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from services.disclosure.deps import Clock
from services.disclosure.models import Publication
from services.disclosure.publications.repository import (
    PublicationRepository,
    SearchFilters,
)
from shared.db import Database
from shared.migrate import upgrade_to_head

# A few hundred common characters: 3-character trade names are then mostly unique, like real ones.
_CHARS = ("安邦宝保北博彩昌长辰诚创达大德鼎东都方丰峰福富港高广国海汉行和恒宏鸿华环辉汇佳嘉建江金锦京晶景久聚凯康"
          "科克坤蓝乐力立利联良林龙隆罗茂美民明铭南能宁鹏品平启千强桥勤青庆泉仁日荣瑞润森山尚盛世舜顺思泰腾天通同"
          "万旺伟文沃祥翔鑫新信星兴旭亚扬阳耀一亿益银英永优友宇裕元远跃云泽展正志中众洲卓资紫")
_TRADES = ["贸易", "餐饮", "食品", "科技", "物流", "建设", "医药", "商贸", "信息", "环保", "实业", "文化"]
_DISTRICTS = ["310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112", "310113", "310114",
              "310115", "310116", "310117", "310118", "310120", "310151"]
_TYPES = ["penalty_decision", "inspection_result", "licence", "list_entry"]
_AUTHORITIES = ["scjgj", "wjw", "sthjj", "zjw", "jtw", "yjglj"]
COLUMNS = ["id", "record_type", "source_key", "source_ref", "uscc", "subject_name", "party_type", "district",
           "industry_code", "authority", "title", "content", "record_hash", "redactions", "decided_on",
           "published_at", "published_on", "window_start", "window_end", "window_rule_version", "due_on",
           "due_provisional", "due_rule_version", "credit_site_due_on", "published_late", "status",
           "publish_log_index"]


def subject(i: int) -> tuple[str, str, str]:
    rnd = random.Random(i)
    district = _DISTRICTS[i % len(_DISTRICTS)]
    trade = "".join(rnd.choice(_CHARS) for _ in range(3))
    return f"91{district}{i:09d}X", f"上海{trade}{rnd.choice(_TRADES)}有限公司", district


def rows(start: int, count: int, subjects: int, base_ms: int):
    today = date.today()
    for k in range(start, start + count):
        s = k % subjects
        code, name, district = subject(s)
        rtype = _TYPES[k % len(_TYPES)]
        decided = today - timedelta(days=k % 700)
        # Ids are UUIDv7-shaped and increase with k, like publications in time order.
        ms = base_ms + k
        pid = str(uuid.UUID(int=(ms << 80) | (0x7 << 76) | (k & 0xFFF) << 64 | (0b10 << 62) | k))
        content = json.dumps({"subject_name": name, "uscc": code, "record_type": rtype,
                              "decision_no": f"沪监处〔2026〕{k}号", "fine_amount": str(1000 + k % 90000)},
                             ensure_ascii=False)
        yield (pid, rtype, f"src-{k}", f"ref-{k}", code, name, "enterprise", district, f"F{k % 90:02d}",
               _AUTHORITIES[k % len(_AUTHORITIES)], f"{rtype} {name}", content, "0" * 64, "[]", decided,
               datetime.now(UTC), today, today, today + timedelta(days=1095), "bench", decided + timedelta(days=28),
               False, "bench", None, False, "public", k)


async def _count(db: Database) -> int:
    async with db.sessionmaker() as session:
        return (await session.execute(select(func.count()).select_from(Publication))).scalar_one()


async def load_postgres(url: str, n: int, subjects: int) -> None:
    import asyncpg

    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await conn.execute("TRUNCATE publications")
        keep = {"pk_publications", "uq_publications_source"}
        indexes = [(r["indexname"], r["indexdef"]) for r in await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'publications'") if r["indexname"] not in keep]
        for name, _ in indexes:
            await conn.execute(f'DROP INDEX "{name}"')
        base_ms = int(time.time() * 1000) - n
        t = time.perf_counter()
        chunk = 200_000
        for start in range(0, n, chunk):
            await conn.copy_records_to_table("publications", records=rows(start, min(chunk, n - start), subjects,
                                                                            base_ms), columns=COLUMNS)
        print(f"  COPY {n:,} rows                      {time.perf_counter() - t:8.1f} s")
        t = time.perf_counter()
        await conn.execute("SET maintenance_work_mem = '1GB'")
        await conn.execute("SET max_parallel_maintenance_workers = 2")
        for name, ddl in indexes:
            await conn.execute(ddl)
        await conn.execute("ANALYZE publications")
        print(f"  rebuild {len(indexes)} indexes + ANALYZE        {time.perf_counter() - t:8.1f} s")
    finally:
        await conn.close()


async def load_sqlite(db: Database, n: int, subjects: int) -> None:
    from sqlalchemy import delete, insert

    t = time.perf_counter()
    base_ms = int(time.time() * 1000) - n
    async with db.sessionmaker() as session:
        await session.execute(delete(Publication))
        batch: list[dict] = []
        for r in rows(0, n, subjects, base_ms):
            d = dict(zip(COLUMNS, r))
            d["content"], d["redactions"] = json.loads(d["content"]), []
            batch.append(d)
            if len(batch) == 20_000:
                await session.execute(insert(Publication), batch)
                batch = []
        if batch:
            await session.execute(insert(Publication), batch)
        await session.commit()
    print(f"  INSERT {n:,} rows                    {time.perf_counter() - t:8.1f} s")


async def timed(db: Database, queries: list[SearchFilters]) -> list[float]:
    today = Clock().today()
    out = []
    async with db.sessionmaker() as session:
        repo = PublicationRepository(session)
        for f in queries[:20]:  # warm the connection and the plan cache
            await repo.search(f, today, before_id=None, limit=51)
        for f in queries:
            t = time.perf_counter()
            found = await repo.search(f, today, before_id=None, limit=51)
            out.append((time.perf_counter() - t) * 1000)
            assert found, f"no result for {f}"
            session.expunge_all()
    return out


def report(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"  {label:<34} n={len(ms):5d}  p50 {statistics.median(ms):7.2f} ms   p99 {p99:7.2f} ms   "
          f"max {ms[-1]:7.2f} ms")


async def main_async(args: argparse.Namespace) -> None:
    url = args.db_url
    subjects = max(1, args.n // 2)
    print(f"disclosure search benchmark: {args.n:,} records, {subjects:,} subjects, {make_url(url).get_backend_name()}")
    upgrade_to_head("disclosure", url)
    db = Database(url, service="disclosure")
    try:
        if args.reload or await _count(db) != args.n:
            if db.dialect == "postgresql":
                await load_postgres(url, args.n, subjects)
            else:
                await load_sqlite(db, args.n, subjects)
        rnd = random.Random(7)
        picks = [rnd.randrange(subjects) for _ in range(args.queries)]
        by_uscc = [SearchFilters(uscc=subject(i)[0]) for i in picks]
        by_name = [SearchFilters(name=subject(i)[1][2:5]) for i in picks]  # the 3-character trade name
        by_name4 = [SearchFilters(name=subject(i)[1][2:6]) for i in picks]  # trade name + first trade char
        report("search by USCC", await timed(db, by_uscc))
        report("search by name fragment (3 chars)", await timed(db, by_name))
        report("search by name fragment (4 chars)", await timed(db, by_name4))
        report("latest page, no filter", await timed(db, [SearchFilters()] * min(args.queries, 200)))
        report("district + type filter", await timed(db, [
            SearchFilters(district=_DISTRICTS[i % 16], record_type=_TYPES[i % 4]) for i in picks[:200]]))
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.disclosure_search")
    parser.add_argument("--n", type=int, default=1_000_000, help="number of synthetic published records")
    parser.add_argument("--db-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/bench_disclosure",
                        help="a disclosure database (migrated here if needed; its publications are replaced)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--reload", action="store_true", help="reload even when N records are already there")
    args = parser.parse_args(argv)
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
