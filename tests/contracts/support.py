"""Contract tests' plumbing: the events a producer really queued, handed to every consumer's handlers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from shared.bus.envelope import Event
from shared.ids import new_id


async def queued(producer: Any, event_type: str) -> list[Event]:
    """The events a producer app put in its outbox, as its relay would publish them."""
    db = producer.app.state.db
    t = db.outbox_table
    stmt = select(t.c.data, t.c.subject).where(t.c.event_type == event_type).order_by(t.c.seq)
    async with db.sessionmaker() as s:
        rows = (await s.execute(stmt)).all()
    source = f"/supervision/{event_type.split('.')[1]}"
    return [Event(id=new_id(), type=event_type, source=source, time=datetime.now(UTC), data=json.loads(r.data),
                  subject=r.subject) for r in rows]


async def deliver(consumer: Any, event: Event) -> int:
    """Run every handler the consumer app subscribes to `event` with, each in its own transaction as
    the inbox would; returns how many handled it (0 means the consumer does not take this type)."""
    handled = 0
    for sub in consumer.app.state.subscriptions:
        if event.type in sub.subjects:
            async with consumer.app.state.db.sessionmaker() as session:
                await sub.handler(session, event)
                await session.commit()
            handled += 1
    return handled
