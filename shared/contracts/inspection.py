"""Events produced by the inspection service ("double random, one public")."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.contracts import EventPayload, event_contract


@event_contract("sup.inspection.plan.published", 1)
class PlanPublished(EventPayload):
    """A plan and its pre-draw commitments (seed hash, population root) were made public."""

    plan_id: str
    name: str
    departments: list[str]
    item_codes: list[str]
    scope: dict[str, Any]
    period_start: date
    period_end: date
    ratios: dict[str, float]
    ratio_version: str
    seed_commitment: str
    population_root: str
    population_size: int
    joint: bool = False


@event_contract("sup.inspection.draw.completed", 1)
class DrawCompleted(EventPayload):
    """The draw was run; `record` is the published draw record anyone can verify."""

    plan_id: str
    plan_name: str
    departments: list[str]
    selected_count: int
    drawn_on: date
    record: dict[str, Any]


@event_contract("sup.inspection.result.recorded", 1)
class ResultRecorded(EventPayload):
    """An inspection result for one object. outcome: passed | corrected_on_spot | problems_found | not_found."""

    result_id: str
    plan_id: str | None = None
    task_kind: str = "random"  # random | key
    uscc: str
    subject_name: str
    department: str
    matter_code: str | None = None
    item_codes: list[str]
    outcome: str
    problems: str = ""
    inspected_on: date
    publication_due: date | None = None
    evidence_hashes: list[str] = []


__all__ = ["DrawCompleted", "PlanPublished", "ResultRecorded"]
