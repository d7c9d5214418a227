"""Use cases of the efficiency evaluation: one fact per timed duty, counted per department and month.

Publication and withdrawal record their own facts (publications/service.py); duties done
elsewhere (a case closed, a complaint answered) arrive as events (`record_duty`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.efficiency.repository import EfficiencyRepository
from services.disclosure.rules.publicity import RecordType
from shared.ids import new_id

METRICS = ("inspection_result_published", "penalty_published", "withdrawal", "case_closed", "complaint_answered")
# Duties counted by the efficiency evaluation.
METRIC_PUBLISHED = {RecordType.INSPECTION_RESULT: "inspection_result_published",
                    RecordType.PENALTY_DECISION: "penalty_published"}
METRIC_WITHDRAWN = "withdrawal"


def month_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


async def record_duty(session: AsyncSession, *, metric: str, ref: str, department: str, done_on: date,
                      due_on: date | None) -> None:
    """A timed duty done elsewhere (a case closed, a complaint answered), for the efficiency evaluation."""
    await EfficiencyRepository(session).record(
        id=new_id(), metric=metric, ref=ref, department=department, month=month_of(done_on), due_on=due_on,
        done_on=done_on, on_time=due_on is None or done_on <= due_on)


async def efficiency(session: AsyncSession, month: str, department: str | None = None) -> list[dict[str, Any]]:
    rows = await EfficiencyRepository(session).month(month, department)
    by_department: dict[str, dict[str, dict[str, Any]]] = {}
    for dept, metric, total, on_time in rows:
        by_department.setdefault(dept, {})[metric] = {
            "total": total, "on_time": on_time, "share": round(on_time / total, 4) if total else None}
    return [{"department": d, "metrics": {m: metrics.get(m, {"total": 0, "on_time": 0, "share": None})
                                          for m in METRICS}}
            for d, metrics in sorted(by_department.items())]
