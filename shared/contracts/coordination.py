"""Events produced by the coordination service (the Internet+Supervision platform's catalogue)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from shared.contracts import EventPayload, event_contract


@event_contract("sup.coordination.catalogue.published", 1)
class CatalogueVersionPublished(EventPayload):
    """A catalogue version was published; it governs every act dated on or after `effective_from`
    until a later version takes effect. The document is public data (no personal data): departments,
    matters, approval items and entrustments, in the shape `shared.catalogue.model.parse_version` reads."""

    version: str
    effective_from: date
    published_at: datetime
    sample: bool = False
    document: dict[str, Any]
