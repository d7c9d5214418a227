"""Objections to credit information, and how long negative information may be provided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.workdays import Deadline, working_deadline

from .facts import add_years

# Shanghai Social Credit Regulations (2017), objections: flag the disputed information within
# 1 working day and decide within 5 working days of receiving the objection.
OBJECTION_FLAG_WORKING_DAYS = 1
OBJECTION_DECISION_WORKING_DAYS = 5


@dataclass(frozen=True)
class ObjectionDeadlines:
    flag: Deadline  # mark the record "under objection" by this day
    decide: Deadline  # answer the objection by this day


def objection_deadlines(received_on: date) -> ObjectionDeadlines:
    return ObjectionDeadlines(working_deadline(received_on, OBJECTION_FLAG_WORKING_DAYS),
                              working_deadline(received_on, OBJECTION_DECISION_WORKING_DAYS))


# Shanghai Social Credit Regulations (2017): negative (dishonesty) information is provided for 5 years
# from the day the conduct or event ended; after that it is no longer provided.
NEGATIVE_INFO_YEARS = 5


def negative_info_expired(ended_on: date, as_of: date) -> bool:
    """True when negative information whose conduct ended on `ended_on` may no longer be provided."""
    return as_of >= add_years(ended_on, NEGATIVE_INFO_YEARS)
