"""Inspection results: outcomes and the publication deadline."""

from __future__ import annotations

from datetime import date

from shared.workdays import Deadline, working_deadline

# Results of random inspections are made public within 20 working days of being formed [law]
# (State Council Guofa [2019] No. 5, "double random, one public" supervision: publicity within 20 working days).
RESULT_PUBLICATION_WORKING_DAYS = 20

OUTCOMES = ("passed", "corrected_on_spot", "problems_found", "not_found")
# Outcomes that describe what was found: the problems must be stated.
OUTCOMES_WITH_PROBLEMS = ("corrected_on_spot", "problems_found")


def publication_deadline(inspected_on: date) -> Deadline:
    """Day the result must be published by (working days, start day not counted)."""
    return working_deadline(inspected_on, RESULT_PUBLICATION_WORKING_DAYS)


def is_overdue(due: date, published_on: date | None, on: date) -> bool:
    return published_on is None and on > due
