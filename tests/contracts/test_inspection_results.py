"""Every inspection outcome, as the inspection contract carries it, read by credit and disclosure on
real databases: credit records it under the same word (and puts an unreachable subject on the
abnormal list), disclosure publishes it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.bus.envelope import Event
from shared.contracts.codes import InspectionOutcome
from shared.contracts.inspection import ResultRecorded
from shared.ids import new_id
from tests.auth_support import service_client
from tests.contracts.support import deliver
from tests.credit.helpers import make_uscc, register, today

pytestmark = pytest.mark.anyio


def result_event(uscc: str, outcome: InspectionOutcome) -> Event:
    payload = ResultRecorded(result_id=new_id(), uscc=uscc, subject_name="上海示例贸易有限公司", department="scjgj",
                             matter_code="scjgj-001", item_codes=["SCJG-SP-001"], outcome=outcome,
                             problems="" if outcome == InspectionOutcome.PASSED else "expired food",
                             inspected_on=today())
    return Event(id=new_id(), type=payload.event_type, source="/supervision/inspection", time=datetime.now(UTC),
                 data=payload.model_dump(mode="json"))


async def test_credit_and_disclosure_read_every_outcome(databases, authority):
    usccs = {o: make_uscc() for o in InspectionOutcome}
    events = {o: result_event(usccs[o], o) for o in InspectionOutcome}
    async with service_client("credit", databases, authority) as c:
        officer = authority.headers("scjgj", "credit_officer")
        for outcome, uscc in usccs.items():
            await register(c, authority, uscc=uscc)
            assert await deliver(c, events[outcome]) == 1
            records = (await c.get(f"/subjects/{uscc}/records", headers=officer)).json()["items"]
            assert [r["outcome"] for r in records if r["kind"] == "inspection_result"] == [outcome.value]
        lists = (await c.get(f"/subjects/{usccs[InspectionOutcome.NOT_FOUND]}", headers=officer)).json()["lists"]
        assert "abnormal" in lists
    async with service_client("disclosure", databases, authority) as d:
        for outcome, uscc in usccs.items():
            assert await deliver(d, events[outcome]) == 1
            [public] = (await d.get("/public/records", params={"uscc": uscc})).json()["items"]
            assert public["content"]["result"] == outcome.value
