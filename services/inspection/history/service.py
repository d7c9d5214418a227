"""The step history of each object: every use case adds its steps here, GET reads them back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.inspection.directory.service import now
from services.inspection.history.repository import HistoryRepository
from services.inspection.models import HistoryEntry
from shared.ids import new_id


def history_row(step: str, *, uscc: str | None = None, plan_id: str | None = None, actor: str | None = None,
                at: datetime | None = None, **detail: Any) -> dict[str, Any]:
    return {"id": new_id(), "uscc": uscc, "plan_id": plan_id, "step": step, "actor": actor,
            "at": at or now(), "detail": detail}


def history_entry(step: str, **kw: Any) -> HistoryEntry:
    return HistoryEntry(**history_row(step, **kw))


async def object_history(repo: HistoryRepository, uscc: str, *, after: str | None, limit: int) -> list[dict[str, Any]]:
    """Every step concerning the object, oldest first (limit + 1 entries tell whether more follow)."""
    return await repo.history(uscc, after=after, limit=limit)
