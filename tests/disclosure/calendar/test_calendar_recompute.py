"""Publication and withdrawal deadlines counted while 2027's holiday schedule was unknown are
provisional, and are recomputed with the same rules (`publication_due`, `withdrawal_due`) once the
schedule arrives; whether the record was published (withdrawn) late, and its efficiency fact, follow
the new deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from services.disclosure.calendar.service import recompute_provisional_deadlines
from services.disclosure.log import service as log_service
from services.disclosure.models import EfficiencyFact, Publication
from services.disclosure.publications import service
from services.disclosure.rules import public_records as records
from tests.auth_support import service_client
from tests.calendar_support import schedule  # noqa: F401 - fixture
from tests.disclosure.support import decision, uscc
from tests.support import wait_for

pytestmark = pytest.mark.anyio

DECIDED = date(2026, 12, 28)  # a Monday: 7 and 20 working days later fall in 2027
PUBLISHED_AT = datetime(2027, 1, 7, 2, tzinfo=UTC)  # Thursday 7 January in Shanghai


async def _state(app, publication_id: str) -> tuple:
    async with app.state.db.sessionmaker() as session:
        pub = await session.get(Publication, publication_id)
        fact = (await session.execute(select(EfficiencyFact).where(EfficiencyFact.ref == publication_id))).scalar_one()
        return (pub.due_on, pub.credit_site_due_on, pub.due_provisional, pub.published_late,
                fact.metric, fact.due_on, fact.on_time)


async def test_provisional_publication_deadlines_are_recomputed_when_2027_arrives(databases, authority,
                                                                                    schedule):  # noqa: F811
    async with service_client("disclosure", databases, authority) as c:
        async def key_made():  # the start-up job creates the log's signing key: let it finish first
            return c.app.state.db.url in log_service._keys
        await wait_for(key_made, what="the signing key")

        # A penalty decided on 28 December 2026, published on 7 January 2027.
        async with c.app.state.db.sessionmaker() as session:
            pub = await service.publish(session, records.from_decision(
                decision(uscc(), "上海某某食品有限公司", decided_on=DECIDED)), now=PUBLISHED_AT)
            await session.commit()

        # Weekends alone: the credit sites' 7 working days ended on 6 January, so it was late.
        assert await _state(c.app, pub.id) == (date(2027, 1, 25), date(2027, 1, 6), True, True,
                                               "penalty_published", date(2027, 1, 25), False)

        schedule.publish_2027()  # New Year off 1-5 January 2027
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 1
            await session.commit()

        # With the holiday the credit sites' deadline is 11 January: published on time after all.
        assert await _state(c.app, pub.id) == (date(2027, 1, 28), date(2027, 1, 11), False, False,
                                               "penalty_published", date(2027, 1, 28), True)
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 0


async def test_credit_site_and_withdrawal_deadlines_are_recomputed_when_2027_arrives(databases, authority,
                                                                                     schedule):  # noqa: F811
    async with service_client("disclosure", databases, authority) as c:
        async def key_made():
            return c.app.state.db.url in log_service._keys
        await wait_for(key_made, what="the signing key")

        # A penalty decided on 28 December 2026 and published at once; revoked on Tuesday 29
        # December, casework giving its own last day (weekends alone: Friday 1 January); the
        # record leaves the public view on Wednesday 6 January.
        async with c.app.state.db.sessionmaker() as session:
            pub = await service.publish(session, records.from_decision(
                decision(uscc(), "上海某某食品有限公司", decided_on=DECIDED)), now=datetime(2026, 12, 28, 2, tzinfo=UTC))
            assert await service.withdraw_matching(
                session, [pub.source_key], uscc=pub.uscc, reason="decision_revoked", requested_on=date(2026, 12, 29),
                now=datetime(2027, 1, 6, 2, tzinfo=UTC), record_types=["penalty_decision"],
                due_by=date(2027, 1, 1)) == 1
            await session.commit()

        async def state() -> tuple:
            async with c.app.state.db.sessionmaker() as session:
                p = await session.get(Publication, pub.id)
                fact = (await session.execute(select(EfficiencyFact).where(
                    EfficiencyFact.ref == pub.id, EfficiencyFact.metric == "withdrawal"))).scalar_one()
                return (p.credit_site_due_on, p.credit_site_due_provisional, p.withdrawal_due_on,
                        p.withdrawal_due_provisional, p.withdrawn_late, fact.due_on, fact.on_time)

        assert await state() == (date(2027, 1, 6), True, date(2027, 1, 1), True, True, date(2027, 1, 1), False)

        schedule.publish_2027()  # New Year off 1-5 January 2027
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 2  # its publication and its withdrawal
            await session.commit()

        # Three working days from 29 December end on 6 January: withdrawn on time after all.
        assert await state() == (date(2027, 1, 11), False, date(2027, 1, 6), False, False, date(2027, 1, 6), True)
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 0
