"""Events that overtake one another on the bus leave disclosure as if they had come in order.

A withdrawal (revocation, list exit, credit repair, upheld objection) can be handled before the
record it withdraws: they travel on different durable consumers, or a retry reorders them on one.
Each scenario runs twice, in order for one subject and reversed for another; each event is sent
only once the one before it is handled, so the order is exactly the one named.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from services.disclosure.models import (
    EarlyWithdrawal,
    EfficiencyFact,
    LogLeaf,
    Publication,
    Subject,
)
from shared.contracts.credit import GradeChanged, RecordWithdrawn, SubjectUpdated
from tests.disclosure import support as s
from tests.support import handled_at_least, wait_for

pytestmark = pytest.mark.anyio


class Sender:
    """Sends one event, with the time its producer stamped on it, and waits until it is handled."""

    def __init__(self, bus: s.Publisher, c) -> None:
        self.bus, self.c, self.handled = bus, c, 0

    async def send(self, payload, at: datetime | None = None) -> None:
        e = s.event_for(payload, payload.event_type.split(".")[1])
        if at is not None:
            e = dataclasses.replace(e, time=at)
        await self.bus.js.publish(e.nats_subject, e.body(), headers=e.headers())
        self.handled += 1
        await wait_for(handled_at_least(self.c.app, self.handled), what=f"event {self.handled} handled")


def pairs(code: str, name: str, start: datetime) -> list[tuple[tuple, tuple]]:
    """(first, second) in the order the producers emitted them; each item is (payload, emitted at)."""
    profile = {"uscc": code, "subject_type": "enterprise", "industry_code": "F5211"}
    revoked_decision = s.decision(code, name, fine="20000")
    repaired_decision = s.decision(code, name, fine="50000")
    entry = s.list_entry(code, name)
    lic = s.licence(code, name)
    day = date(2026, 3, 1)
    return [
        ((SubjectUpdated(name=name, district="310115", **profile), start),
         (SubjectUpdated(name=name + "（新）", district="310104", **profile), start + timedelta(seconds=1))),
        ((GradeChanged(uscc=code, grade="B", score=80.0, rule_set_version="g-2026", as_of=day), start),
         (GradeChanged(uscc=code, grade="C", score=65.0, rule_set_version="g-2026", as_of=day),
          start + timedelta(seconds=1))),
        ((revoked_decision, None), (s.revoked(revoked_decision), None)),
        ((entry, None), (s.list_exit(code, name, entry.entry_id), None)),
        ((repaired_decision, None), (s.repair(code, "credit-record-9", repaired_decision.decision_number), None)),
        ((lic, None), (RecordWithdrawn(record_id=lic.record_id, uscc=code, kind=lic.kind, source_ref=lic.source_ref,
                                       reason="objection upheld", withdrawn_on=s.today()), None)),
    ]


async def state(c, code: str) -> dict:
    """What a subject's events left: its publications and their fate, log leaves, duties, the subject."""
    async with c.app.state.db.sessionmaker() as session:
        pubs = (await session.execute(select(Publication).where(Publication.uscc == code))).scalars().all()
        leaves = {p.id: [] for p in pubs}
        for leaf in (await session.execute(select(LogLeaf).where(LogLeaf.uscc == code).order_by(LogLeaf.seq))).scalars():
            leaves[leaf.publication_id].append((leaf.action, leaf.reason))
        facts = (await session.execute(select(EfficiencyFact.metric, EfficiencyFact.on_time)
                                       .where(EfficiencyFact.ref.in_(list(leaves))))).all()
        subject = await session.get(Subject, code)
        return {
            "publications": sorted(
                (p.record_type, p.status, p.withdrawal_reason, p.withdrawal_requested_on, p.withdrawal_due_on,
                 p.withdrawn_late, p.published_late, p.district, tuple(leaves[p.id])) for p in pubs),
            "duties": sorted(tuple(f) for f in facts),
            "subject": (subject.name, subject.district, subject.grade, subject.grade_as_of),
        }


async def test_withdrawals_and_subject_events_delivered_in_reverse_end_as_in_order(databases, authority, nats_server):
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url) as c:
        sender = Sender(bus, c)
        start = datetime.now(UTC)
        name = "上海示例餐饮有限公司"
        states = []
        for reverse in (False, True):
            code = s.uscc("310115")
            for first, second in pairs(code, name, start):
                for payload, at in ((second, first) if reverse else (first, second)):
                    await sender.send(payload, at)
            states.append(await state(c, code))
        in_order, reversed_state = states
        fates = [(p[0], p[1], p[2]) for p in in_order["publications"]]
        assert fates == [("licence", "withdrawn", "credit_record_withdrawn"), ("list_entry", "withdrawn", "list_exited"),
                         ("list_exit", "public", None), ("penalty_decision", "withdrawn", "credit_repair_approved"),
                         ("penalty_decision", "withdrawn", "decision_revoked")]
        assert in_order["subject"] == (name + "（新）", "310104", "C", date(2026, 3, 1))
        assert reversed_state == in_order
        async with c.app.state.db.sessionmaker() as session:
            kept = (await session.execute(select(EarlyWithdrawal))).scalars().all()
        # Only the reversed run kept withdrawals, and each found its record.
        assert len(kept) == 4 and all(w.applied_to for w in kept)
