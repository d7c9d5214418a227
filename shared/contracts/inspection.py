"""Events produced by the inspection service ("double random, one public")."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.contracts import EventPayload, event_contract
from shared.contracts.codes import DepartmentCode, InspectionOutcome, TaskKind
from shared.contracts.dates import LegalDate


@event_contract("sup.inspection.plan.published", 1)
class PlanPublished(EventPayload):
    """A plan and its pre-draw commitments (seed hash, population root) were made public."""

    plan_id: str
    name: str
    departments: list[DepartmentCode]
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
    # The whole plan commitment (inspection rules/seed.py) whose SHA-256 is `seed_commitment`:
    # every department's secret commitment and the beacon named; logged with the plan.
    commitment: dict[str, Any] = {}


@event_contract("sup.inspection.draw.completed", 1)
class DrawCompleted(EventPayload):
    """The draw was run; `record` is the published draw record anyone can verify."""

    plan_id: str
    plan_name: str
    departments: list[DepartmentCode]
    selected_count: int
    drawn_on: date
    record: dict[str, Any]


@event_contract("sup.inspection.result.recorded", 1)
class ResultRecorded(EventPayload):
    """An inspection result for one object."""

    result_id: str
    plan_id: str | None = None
    task_kind: TaskKind = TaskKind.RANDOM
    uscc: str
    subject_name: str
    department: DepartmentCode
    matter_code: str | None = None
    item_codes: list[str]
    outcome: InspectionOutcome
    problems: str = ""
    inspected_on: LegalDate
    publication_due: date | None = None
    evidence_hashes: list[str] = []


__all__ = ["DrawCompleted", "PlanPublished", "ResultRecorded"]
