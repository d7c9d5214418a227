"""Provisional deadlines recomputed once the missing year's holiday schedule is known.

Until a year's official schedule is loaded, weekends alone count and every deadline reaching
into it is stored as provisional. When the schedule arrives (see `shared.deadline_jobs`), the
rules that computed a publication's deadlines are applied again with the new calendar:
- publication (`rules.publicity.publication_due` from the day decided): the regulator's channel,
  and the credit sites' where one applies;
- withdrawal (`rules.publicity.withdrawal_due`): 3 working days from the request.
Whether it was published (withdrawn) late follows the new deadlines, and so does the efficiency
fact recorded when it was published (withdrawn). The events already sent are not sent again.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.calendar.repository import CalendarRepository
from services.disclosure.efficiency.service import METRIC_PUBLISHED, METRIC_WITHDRAWN
from services.disclosure.models import Publication
from services.disclosure.publications.service import credit_site_due
from services.disclosure.rules.publicity import (
    RecordType,
    publication_due,
    withdrawal_due,
)
from shared.deadline_jobs import recompute_in_batches


async def recompute_provisional_deadlines(session: AsyncSession) -> int:
    """Recompute every provisional publication and withdrawal deadline with the current calendar;
    the number of publications whose deadlines or provisional flags changed (a publication whose
    publication and withdrawal deadlines both changed counts twice).

    A deadline the producer fixed (inspection results carry theirs, revoked decisions their
    withdrawal day) is recomputed with our rule as well: it is the same working-day rule, so both
    services settle on the same day."""
    repo = CalendarRepository(session)

    async def publication(pub: Publication) -> bool:
        rt = RecordType(pub.record_type)
        regulator = publication_due(rt, pub.decided_on)
        credit_site = credit_site_due(rt, pub.decided_on)
        fresh = (regulator.due, regulator.provisional,
                 credit_site.due if credit_site else None, bool(credit_site and credit_site.provisional))
        if fresh == (pub.due_on, pub.due_provisional, pub.credit_site_due_on, pub.credit_site_due_provisional):
            return False
        pub.due_on, pub.due_provisional, pub.credit_site_due_on, pub.credit_site_due_provisional = fresh
        pub.published_late = pub.published_on > regulator.due or (
            credit_site is not None and pub.published_on > credit_site.due)
        if rt in METRIC_PUBLISHED:
            await repo.set_fact_due(METRIC_PUBLISHED[rt], pub.id, due_on=regulator.due,
                                    on_time=not pub.published_late)
        return True

    async def withdrawal(pub: Publication) -> bool:
        d = withdrawal_due(pub.withdrawal_requested_on)
        if (d.due, d.provisional) == (pub.withdrawal_due_on, pub.withdrawal_due_provisional):
            return False
        pub.withdrawal_due_on, pub.withdrawal_due_provisional = d.due, d.provisional
        pub.withdrawn_late = pub.withdrawn_on > d.due
        await repo.set_fact_due(METRIC_WITHDRAWN, pub.id, due_on=d.due, on_time=not pub.withdrawn_late)
        return True

    return (await recompute_in_batches(session, repo.provisional_publications, publication)
            + await recompute_in_batches(session, repo.provisional_withdrawals, withdrawal))
