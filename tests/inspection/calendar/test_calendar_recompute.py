"""A result's publication deadline counted while 2027's holiday schedule was unknown is provisional,
and is recomputed with the same rule (and the calendar version recorded) once the schedule arrives."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.inspection.calendar.service import recompute_provisional_deadlines
from services.inspection.models import Result, Task
from services.inspection.rules.results import publication_deadline
from shared.ids import new_id
from shared.workdays import get_calendar
from tests.auth_support import service_client
from tests.calendar_support import schedule  # noqa: F401 - fixture
from tests.inspection.helpers import uscc

pytestmark = pytest.mark.anyio

INSPECTED = date(2026, 12, 28)  # a Monday: 20 working days later fall in 2027


async def _result_of_28_december(app) -> str:
    """A key task's result inspected on 28 December 2026, stored as recording it computes."""
    async with app.state.db.sessionmaker() as session:
        task = Task(id=new_id(), kind="key", plan_id=None, uscc=uscc(1), departments=["scjgj"], item_ids=["item-1"],
                    inspector_ids=[], reason="complaint", created_at=datetime.now(UTC))
        session.add(task)
        await session.flush()
        due = publication_deadline(INSPECTED)
        result = Result(id=new_id(), task_id=task.id, plan_id=None, uscc=task.uscc, item_id="item-1",
                        item_code="R-KEY", department="scjgj", outcome="passed", problems="", inspected_on=INSPECTED,
                        evidence=[], recorded_by=new_id(), publication_due=due.due,
                        publication_due_provisional=due.provisional, calendar_version=due.calendar_version,
                        created_at=datetime.now(UTC))
        session.add(result)
        await session.commit()
        return result.id


async def test_provisional_publication_deadline_is_recomputed_when_2027_arrives(databases, authority,
                                                                                  schedule):  # noqa: F811
    reader = authority.headers("scjgj", "inspector")
    async with service_client("inspection", databases, authority) as c:
        result_id = await _result_of_28_december(c.app)
        unknown_2027 = get_calendar().schedule_version

        # Weekends alone: 29-31 Dec, Fri 1 Jan, then 4 January onwards to the 20th working day.
        r = (await c.get(f"/results/{result_id}", headers=reader)).json()
        assert (r["publication_due"], r["publication_due_provisional"]) == ("2027-01-25", True)

        schedule.publish_2027()  # New Year off 1-5 January 2027
        async with c.app.state.db.sessionmaker() as session:
            assert await recompute_provisional_deadlines(session) == 1
            await session.commit()

        r = (await c.get(f"/results/{result_id}", headers=reader)).json()
        assert (r["publication_due"], r["publication_due_provisional"]) == ("2027-01-28", False)
        async with c.app.state.db.sessionmaker() as session:
            stored = await session.get(Result, result_id)
            assert stored.calendar_version == get_calendar().schedule_version != unknown_2027
            assert await recompute_provisional_deadlines(session) == 0
