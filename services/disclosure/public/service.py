"""Read use cases of the public: search, one record, a subject's history, draws.

Only what is visible today is ever returned: published, not withdrawn, window not ended.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.log import service as log_service
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
class DrawnSubject:
    """A drawn company as the draw page shows it: who, and who inspects. Not its stratum: strata are
    credit grades, which are internal (the record names strata by member tags only)."""

    uscc: str
    name: str | None
    inspectors: list[str]  # "name (department)"


@dataclass(frozen=True)
class DrawView:
    plan: Publication | None
    draw: Publication | None
    seed: str | None
    seed_matches_commitment: bool | None
    root_matches_plan: bool | None
    selected: list[str]
    checks: list[tuple[str, str, bool | None]]  # (Chinese, English, verdict; None: cannot tell yet)
    drawn: list[DrawnSubject]
    beacon: dict[str, Any]


def _digest(document: Any) -> str:
    """The plan commitment (inspection rules/seed.py): SHA-256 over sorted keys, no spaces, UTF-8."""
    return hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def _utc(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


async def draw(session: AsyncSession, plan_id: str, *, today: date) -> DrawView:
    """The plan and its draw, with the links of the chain this service can check from its own log."""
    repo = PublicationRepository(session)
    plan = await repo.visible_of_type(RecordType.INSPECTION_PLAN.value, plan_id, today)
    drawn = await repo.visible_of_type(RecordType.INSPECTION_DRAW.value, plan_id, today)
    if plan is None and drawn is None:
        raise NotFound(f"no published plan or draw {plan_id}")
    record = (drawn.content.get("verification") or {}) if drawn else {}
    document = (plan.content.get("commitment") if plan else None) or {}
    commitment = (plan.content.get("seed_commitment") if plan else None) or record.get("seed_commitment")
    beacon = document.get("beacon") or {}
    seed = record.get("seed")
    matches = None
    if seed and commitment and plan:
        matches = record.get("seed_commitment") == commitment == _digest(document)
    root_ok = None
    if plan and drawn:
        root_ok = plan.content.get("population_root") == record.get("population_root")
    checks: list[tuple[str, str, bool | None]] = [
        ("承诺文件与承诺值一致", "the commitment document hashes to the published commitment",
         (bool(document) and _digest(document) == commitment) if plan else None)]
    logged_at = (await log_service.entry(session, plan.publish_log_index)).appended_at \
        if plan and plan.publish_log_index is not None else None
    due = _utc(beacon.get("published_at"))
    if logged_at is not None and logged_at.tzinfo is None:  # SQLite gives naive UTC back
        logged_at = logged_at.replace(tzinfo=UTC)
    checks.append(("承诺在信标公布前已记入签名日志", "the commitment was in the signed log before the beacon was published",
                   logged_at < due if logged_at is not None and due is not None else None))
    checks.append(("抽取使用的正是该承诺", "the draw was made under the logged commitment", matches))
    checks.append(("名录根与承诺一致", "the population root is the committed one", root_ok))
    later = (drawn.publish_log_index > plan.publish_log_index
             if drawn and plan and drawn.publish_log_index is not None and plan.publish_log_index is not None else None)
    checks.append(("抽取记录在承诺之后记入日志", "the draw entered the log after the commitment", later))
    selected = [d.get("uscc") for d in record.get("drawn") or []]
    names = await SubjectRepository(session).names_of(selected)
    assigned = (record.get("assignment") or {}).get("assigned") or {}
    who = {i.get("id"): f"{i.get('name') or i.get('id')} ({i.get('department')})"
           for i in (record.get("assignment") or {}).get("inspectors") or []}
    rows = [DrawnSubject(u, names.get(u), [who.get(i, i) for i in assigned.get(u) or []]) for u in selected]
    return DrawView(plan, drawn, seed, matches, root_ok, selected, checks, rows, beacon)


async def draw_evidence(session: AsyncSession, plan_id: str, *, today: date, now: datetime,
                        since: int | None) -> dict[str, Any]:
    """What `supervision verify-draw` needs from the log to check a draw from public data alone.

    The plan's and the draw's publications with their log entries, the latest signed tree head with
    an inclusion proof of each entry in it, the signing key, and, given ``since`` (the size of a head
    the verifier saved earlier), the consistency proof from that head to this one."""
    repo = PublicationRepository(session)
    plan = await repo.visible_of_type(RecordType.INSPECTION_PLAN.value, plan_id, today)
    if plan is None or plan.publish_log_index is None:
        raise NotFound(f"no published plan {plan_id} in the log")
    drawn = await repo.visible_of_type(RecordType.INSPECTION_DRAW.value, plan_id, today)
    head, kid = await log_service.tree_head(session, now)
    if since is not None and since > head.tree_size:
        raise Unprocessable.field("query.since", "log.tree_size", f"the log has {head.tree_size} entries, not {since}")
    key_id, pem = await log_service.public_key(session, now)

    async def entry_of(pub: Publication) -> dict[str, Any]:
        leaf = await log_service.entry(session, pub.publish_log_index)
        proof = await log_service.inclusion(session, leaf.seq, head.tree_size)
        return {"publication_id": pub.id, "index": leaf.seq, "entry": leaf.entry, "content": pub.content,
                "audit_path": proof["audit_path"]}

    return {
        "format": "draw-evidence/1", "plan_id": plan_id,
        "key": {"key_id": key_id, "public_key_pem": pem},
        "tree_head": {**head.to_dict(), "key_id": kid},
        "plan": await entry_of(plan),
        "draw": await entry_of(drawn) if drawn is not None and drawn.publish_log_index is not None else None,
        "consistency": (await log_service.consistency(session, since, head.tree_size)) if since is not None else None,
    }
