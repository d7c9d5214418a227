"""Withdrawals that overtake their record: kept, then applied when the record is published.

A decision's revocation travels on the casework consumer, a credit repair or an upheld objection
on the credit one, and the record they withdraw may come on another consumer (or be retried
behind them on the same one). When a withdrawal finds nothing public and nothing was ever
published under its references, it is kept; `publish` asks for it right after publishing, so
the record ends withdrawn just as if the two had come in order.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.models import EarlyWithdrawal
from services.disclosure.repository_withdrawals import EarlyWithdrawalRepository
from services.disclosure.rules.public_records import Draft
from shared.ids import new_id


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
