"""Dates of legal effect the platform can judge: none before its first rules in force.

Every service judges a dated act by the rule version in force on that date (publicity periods,
repair minima, hearing thresholds, benchmarks). Before the earliest day on which all of them have
a version there is nothing to judge by, so such a date is refused where it enters (a 422 naming
the field), and no event carries one: a consumer never meets a date it cannot judge.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from shared.contracts.codes import RecordKind

# SAMR Provisions on Publicity of Administrative Penalty Information (2021), in force 2021-09-01: the
# latest first version among the rule tables every consumer of a dated record applies.
RULES_IN_FORCE_FROM = date(2021, 9, 1)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date_only(value: object) -> object:
    """A date is written YYYY-MM-DD, as the schema's `format: date` says; pydantic alone would also
    take a number (0 = 1970-01-01) or a timestamp string."""
    if type(value) is date:
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise PydanticCustomError("date_format", "a date is written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(iso_date_only)]


def rules_in_force_on(day: date, first: date = RULES_IN_FORCE_FROM) -> date:
    if day < first:
        raise PydanticCustomError(
            "rule_in_force", "no rule version is in force on {day}: dates from {first} on are accepted",
            {"day": day.isoformat(), "first": first.isoformat()})
    return day


LegalDate = Annotated[date, BeforeValidator(iso_date_only), AfterValidator(rules_in_force_on)]

# Credit records judged by a dated rule (publicity periods, repair minima, publication deadlines);
# an honour or a kept commitment is only weighed by today's grading rules, whatever its date.
RULE_DATED_RECORD_KINDS = frozenset({RecordKind.PENALTY, RecordKind.LICENCE, RecordKind.LICENCE_COMMITMENT,
                                     RecordKind.INSPECTION_RESULT})


def record_date_in_force(kind: str | None, day: date) -> date:
    return rules_in_force_on(day) if kind in RULE_DATED_RECORD_KINDS else day


def as_utc(moment: datetime) -> datetime:
    """Timestamps are UTC; SQLite hands them back without their zone, so it is put back here."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# Every date-time an API answers with carries its time zone (RFC 3339, as the schema says).
Timestamp = Annotated[datetime, AfterValidator(as_utc)]

__all__ = ["RULES_IN_FORCE_FROM", "RULE_DATED_RECORD_KINDS", "IsoDate", "LegalDate", "Timestamp", "as_utc",
           "iso_date_only",
           "record_date_in_force", "rules_in_force_on"]
