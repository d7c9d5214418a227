"""Provisional deadlines recomputed once the missing year's holiday schedule is known.

Until a year's official schedule is loaded, weekends alone count and every deadline reaching
into it is stored as provisional. When the schedule arrives (see `shared.deadline_jobs`), the
rules that computed a publication's deadlines (`rules.publicity.publication_due` from the day
decided: the regulator's channel, and the credit sites' where one applies) are applied again
with the new calendar. Whether it was published late follows the new deadlines, and so does
the efficiency fact recorded when it was published.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.repository_calendar import CalendarRepository
from services.disclosure.rules.publicity import RecordType, publication_due
from services.disclosure.service import (  # the rule publish() used
    METRIC_PUBLISHED,
    _credit_site_due,
)

BATCH = 500


async def recompute_provisional_deadlines(session: AsyncSession) -> int:
    """Recompute every provisional publication deadline with the current calendar; the number of
    publications whose deadlines or provisional flag changed.

    A deadline the producer fixed (inspection results carry theirs) is recomputed with our rule
    as well: it is the same 20-working-day rule, so both services settle on the same day."""
    repo = CalendarRepository(session)
    changed, after = 0, ""
    while rows := await repo.provisional_publications(after_id=after, limit=BATCH):
        for pub in rows:
            rt = RecordType(pub.record_type)
            regulator = publication_due(rt, pub.decided_on)
            credit_site = _credit_site_due(rt, pub.decided_on)
            fresh = (regulator.due, regulator.provisional, credit_site)
            if fresh == (pub.due_on, pub.due_provisional, pub.credit_site_due_on):
                continue
            pub.due_on, pub.due_provisional, pub.credit_site_due_on = fresh
            pub.published_late = pub.published_on > regulator.due or (
                credit_site is not None and pub.published_on > credit_site)
            if rt in METRIC_PUBLISHED:
                await repo.set_fact_due(METRIC_PUBLISHED[rt], pub.id, due_on=regulator.due,
                                        on_time=not pub.published_late)
            changed += 1
        after = rows[-1].id
        await session.flush()
    return changed
