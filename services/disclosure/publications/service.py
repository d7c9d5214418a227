"""Use cases of publication: publish a record from an event, withdraw it, expire it; keep the
subjects' profiles and grades that search and subject pages show.

Everything stored for publication is redacted first (rules/redaction_policies.py); windows
and deadlines come from rules/publicity.py with the versions used; each publication and
withdrawal appends to the Merkle log and emits its event in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.efficiency.repository import EfficiencyRepository
from services.disclosure.efficiency.service import (
    METRIC_PUBLISHED,
    METRIC_WITHDRAWN,
    month_of,
)
from services.disclosure.log import service as log_service
from services.disclosure.models import EarlyWithdrawal, Publication
from services.disclosure.publications.repository import (
    EarlyWithdrawalRepository,
    PublicationRepository,
    SubjectRepository,
)
from services.disclosure.rules.canonical import record_hash
from services.disclosure.rules.public_records import Draft, title_of
from services.disclosure.rules.publicity import (
    Channel,
    NotPublishable,
    RecordType,
    WithdrawalReason,
    publication_due,
    publication_rule,
    publicity_window,
    withdrawal_due,
)
from services.disclosure.rules.redaction_policies import redact_for_publication
from shared.bus.outbox import add_event
from shared.clock import shanghai_date as local_date
from shared.contracts.disclosure import RecordPublished, RecordWithdrawn
from shared.ids import new_id
from shared.workdays import Deadline

# Why a record left the public view when no withdrawal decision asked for it.
WINDOW_ENDED = "publicity_window_ended"
LIST_EXITED = "list_exited"
RECORD_WITHDRAWN = "credit_record_withdrawn"  # an objection was upheld: the record was wrong


def credit_site_due(record_type: RecordType, decided_on: date) -> Deadline | None:
    """The credit sites' publication deadline, where one applies to the record type (else None)."""
    try:
        publication_rule(record_type, decided_on, Channel.CREDIT_SITE)
    except LookupError:
        return None
    return publication_due(record_type, decided_on, channel=Channel.CREDIT_SITE)


async def _facets(session: AsyncSession, uscc: str | None) -> tuple[str | None, str | None]:
    """District and industry for search: the credit registry's, else the USCC's region code (GB/T 2260)."""
    if not uscc:
        return None, None
    subject = await SubjectRepository(session).get(uscc)
    district = subject.district if subject and subject.district else uscc[2:8]
    return district, subject.industry_code if subject else None


async def publish(session: AsyncSession, draft: Draft, *, now: datetime) -> Publication | None:
    """Publish a record once (a repeated source is ignored). None when nothing may be published.

    The row is written with a plain INSERT (nothing reads it back in this transaction); the
    Publication returned carries its values but is not attached to the session."""
    repo = PublicationRepository(session)
    rt = draft.record_type
    if await repo.exists_source(rt.value, draft.source_key):
        return None
    today = local_date(now)
    try:
        start, end, window_version = publicity_window(rt, draft.facts, draft.decided_on, published_on=today)
    except NotPublishable:
        return None
    if end is not None and end <= today:
        return None  # its window is already over: publishing it now would only mislead
    _, due_version = publication_rule(rt, draft.decided_on)
    regulator_due = publication_due(rt, draft.decided_on)
    due_on = draft.publication_due or regulator_due.due
    credit_site = credit_site_due(rt, draft.decided_on)
    credit_site_due_on = credit_site.due if credit_site else None
    late = today > due_on or (credit_site_due_on is not None and today > credit_site_due_on)

    public, findings = redact_for_publication(rt, draft.raw, as_of=today)
    publication_id = new_id()
    content = {**public, "record_id": publication_id, "published_on": today.isoformat(),
               "window_end": end.isoformat() if end else None}
    digest = record_hash(content)
    seq = await log_service.append(session, action="publish", publication_id=publication_id, record_hash=digest,
                                   record_type=rt.value, uscc=draft.uscc, authority=draft.authority, at=now)
    district, industry = await _facets(session, draft.uscc)
    values = {
        "id": publication_id, "record_type": rt.value, "source_key": draft.source_key,
        "source_ref": draft.source_ref, "uscc": draft.uscc, "subject_name": public.get("subject_name"),
        "party_type": draft.raw.get("party_type") or "none", "district": district, "industry_code": industry,
        "authority": draft.authority, "title": title_of(rt, public)[:400], "content": content, "record_hash": digest,
        "redactions": [{"rule_id": f.rule_id, "kind": f.kind, "field": f.field} for f in findings],
        "decided_on": draft.decided_on, "published_at": now, "published_on": today, "window_start": start,
        "window_end": end, "window_rule_version": window_version, "due_on": due_on,
        "due_provisional": regulator_due.provisional, "due_rule_version": due_version,
        "credit_site_due_on": credit_site_due_on,
        "credit_site_due_provisional": bool(credit_site and credit_site.provisional), "published_late": late, "status": "public", "publish_log_index": seq,
    }
    await repo.insert(values)
    if rt in METRIC_PUBLISHED:
        await EfficiencyRepository(session).record(
            id=new_id(), metric=METRIC_PUBLISHED[rt], ref=publication_id, department=draft.authority,
            month=month_of(today), due_on=due_on, done_on=today, on_time=not late)
    await add_event(session, RecordPublished(publication_id=publication_id, record_type=rt.value, uscc=draft.uscc,
                                             log_index=seq, published_at=now, on_time=not late),
                    subject=publication_id)
    # Asked under the log lock (taken by the append): a withdrawal kept concurrently is seen here.
    early = await waiting_for(session, draft)
    if early is not None:  # its withdrawal overtook it on the bus: withdraw it now, as in order
        pub = await repo.get(publication_id)
        await withdraw(session, pub, reason=early.reason, requested_on=early.requested_on, now=now,
                       due_by=early.due_by)
        early.applied_to = publication_id
        return pub
    return Publication(**values)


async def withdraw(session: AsyncSession, pub: Publication, *, reason: str, requested_on: date | None,
                   now: datetime, status: str = "withdrawn", due_by: date | None = None) -> None:
    """Take a record out of the public view everywhere (API, feeds, bulk, site); the log keeps both leaves.

    `due_by` is the producer's own deadline when it sent one; otherwise 3 working days from the request.
    Whether it is provisional is ours to say: the producer's is the same 3-working-day rule.
    """
    today = local_date(now)
    ours = None
    if requested_on is not None:
        legal_reason = reason if reason in {r.value for r in WithdrawalReason} else None
        ours = withdrawal_due(requested_on, legal_reason)
    due = due_by if due_by is not None else (ours.due if ours else None)
    late = (today > due) if due else None
    seq = await log_service.append(session, action="withdraw", publication_id=pub.id, record_hash=pub.record_hash,
                                   record_type=pub.record_type, uscc=pub.uscc, authority=pub.authority, at=now,
                                   reason=reason)
    pub.status = status
    pub.withdrawn_at = now
    pub.withdrawn_on = today
    pub.withdrawal_reason = reason
    pub.withdrawal_requested_on = requested_on
    pub.withdrawal_due_on = due
    pub.withdrawal_due_provisional = due is not None and ours is not None and ours.provisional
    pub.withdrawn_late = late
    pub.withdraw_log_index = seq
    if due is not None:
        await EfficiencyRepository(session).record(
            id=new_id(), metric=METRIC_WITHDRAWN, ref=pub.id, department=pub.authority, month=month_of(today),
            due_on=due, done_on=today, on_time=not late)
    await add_event(session, RecordWithdrawn(publication_id=pub.id, record_type=pub.record_type, uscc=pub.uscc,
                                             log_index=seq, withdrawn_at=now, reason=reason,
                                             on_time=not late if late is not None else True),
                    subject=pub.id)


async def withdraw_matching(session: AsyncSession, refs: list[str], *, uscc: str | None, reason: str,
                            requested_on: date, now: datetime, record_types: list[str] | None = None,
                            due_by: date | None = None) -> int:
    repo = PublicationRepository(session)
    pubs = await repo.public_by_refs(refs, uscc=uscc, record_types=record_types)
    if not pubs:
        # Perhaps the record is on its way (another consumer, a retry): look again under the log lock,
        # which a publication holds until it commits, and keep the withdrawal for it if still nothing.
        await log_service.lock(session)
        pubs = await repo.public_by_refs(refs, uscc=uscc, record_types=record_types)
        if not pubs:
            await remember(session, refs, uscc=uscc, reason=reason, requested_on=requested_on,
                                               record_types=record_types, due_by=due_by, now=now)
    for pub in pubs:
        await withdraw(session, pub, reason=reason, requested_on=requested_on, now=now, due_by=due_by)
    return len(pubs)


async def expire_due(session: AsyncSession, *, now: datetime, limit: int = 500) -> int:
    """Withdraw (as expired) every public record whose window has ended; returns how many."""
    repo = PublicationRepository(session)
    if not await repo.expired(local_date(now), 1):
        return 0
    await log_service.lock(session)  # then read again: what to withdraw is decided under the lock
    pubs = await repo.expired(local_date(now), limit)
    for pub in pubs:
        await withdraw(session, pub, reason=WINDOW_ENDED, requested_on=None, now=now, status="expired")
    return len(pubs)


async def note_subject(session: AsyncSession, uscc: str, *, name: str | None = None, subject_type: str | None = None,
                       district: str | None = None, industry_code: str | None = None,
                       at: datetime | None = None) -> None:
    """Keep the subject's profile; `at` (when credit emitted it) keeps an older profile delivered late out."""
    if not await SubjectRepository(session).upsert_profile(uscc, at, name=name, subject_type=subject_type,
                                                           district=district, industry_code=industry_code):
        return
    await PublicationRepository(session).update_subject_facets(uscc, district, industry_code)


async def note_grade(session: AsyncSession, uscc: str, *, grade: str, as_of: date | None,
                     rule_set_version: str | None, only_if_unknown: bool = False, at: datetime | None = None) -> None:
    """Keep the current grade per subject; a registration's grade never overrides a later change, nor
    an older change delivered late (by `as_of`, then by `at`, when credit emitted it) a newer one."""
    if only_if_unknown:
        known = await SubjectRepository(session).get(uscc)
        if known is not None and known.grade:
            return
        await SubjectRepository(session).upsert(uscc, grade=grade, grade_as_of=as_of,
                                                grade_rule_set_version=rule_set_version)
        return
    await SubjectRepository(session).upsert_grade(uscc, grade, as_of, rule_set_version, at)


# ---- early withdrawals ----------------------------------------------------------------------
# Withdrawals that overtake their record: kept, then applied when the record is published.
#
# A decision's revocation travels on the casework consumer, a credit repair or an upheld objection
# on the credit one, and the record they withdraw may come on another consumer (or be retried
# behind them on the same one). When a withdrawal finds nothing public and nothing was ever
# published under its references, it is kept; `publish` asks for it right after publishing, so
# the record ends withdrawn just as if the two had come in order.


async def remember(session: AsyncSession, refs: list[str], *, uscc: str | None, reason: str, requested_on: date,
                   record_types: list[str] | None, due_by: date | None, now: datetime) -> EarlyWithdrawal | None:
    """Keep a withdrawal that matched no public record, unless its record was published already
    (then it ended before: expired or withdrawn, and nothing is left to do)."""
    refs = list(dict.fromkeys(r for r in refs if r))
    repo = EarlyWithdrawalRepository(session)
    if not refs or await repo.ever_published(refs, uscc=uscc, record_types=record_types):
        return None
    row = EarlyWithdrawal(id=new_id(), ref_a=refs[0], ref_b=refs[1] if len(refs) > 1 else None, uscc=uscc or None,
                          record_types=list(record_types) if record_types else None, reason=reason,
                          requested_on=requested_on, due_by=due_by, received_at=now, applied_to=None)
    await repo.add(row)
    return row


def _withdraws(w: EarlyWithdrawal, draft: Draft) -> bool:
    if w.uscc and draft.uscc and w.uscc != draft.uscc:
        return False
    if w.record_types and draft.record_type.value not in w.record_types:
        return False
    # A withdrawal is asked for on or after the record's decision: a later record under a reused
    # reference (a licence number issued again) is not the one it meant.
    return draft.decided_on <= w.requested_on


async def waiting_for(session: AsyncSession, draft: Draft) -> EarlyWithdrawal | None:
    """The kept withdrawal of a record just published, if one overtook it."""
    keys = [k for k in (draft.source_key, draft.source_ref) if k]
    for w in await EarlyWithdrawalRepository(session).waiting_for(keys):
        if _withdraws(w, draft):
            return w
    return None
