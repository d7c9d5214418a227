"""Events produced by the disclosure service."""

from __future__ import annotations

from datetime import datetime

from shared.contracts import EventPayload, event_contract


@event_contract("sup.disclosure.record.published", 1)
class RecordPublished(EventPayload):
    publication_id: str
    record_type: str
    uscc: str | None = None
    log_index: int
    published_at: datetime
    on_time: bool


@event_contract("sup.disclosure.record.withdrawn", 1)
class RecordWithdrawn(EventPayload):
    publication_id: str
    record_type: str
    uscc: str | None = None
    log_index: int
    withdrawn_at: datetime
    reason: str
    on_time: bool


__all__ = ["RecordPublished", "RecordWithdrawn"]
