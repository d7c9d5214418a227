"""Notification and commitment: licences granted on the subject's promise, verified afterwards.

Where it is allowed, when the promise is verified, and what follows a broken promise
(a deadline to rectify, then revocation and a credit record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.workdays import Deadline, calendar_deadline

from .measures import measures_in_force

# Guobanfa [2020] No. 42 sec. 2: no notification and commitment for matters directly touching public
# safety, the ecological environment, or people's health, life and property.
COMMITMENT_EXCLUDED_FIELDS: dict[str, str] = {
    "public_safety": "public safety",
    "ecology_environment": "ecological and environmental protection",
    "health": "people's health",
    "life_property_safety": "safety of life and property",
}
COMMITMENT_EXCLUSION_BASIS = "Guobanfa [2020] No. 42 (notification and commitment system) sec. 2"


def commitment_allowed(field: str, memberships=(), facts=(), as_of: date | None = None) -> tuple[bool, str]:
    """Whether a matter in `field` may be granted by notification and commitment to this subject.

    The field test is always applied; the subject test (joint punishment measures, e.g. serious
    dishonesty or a recent broken commitment) needs `as_of`.
    """
    if field in COMMITMENT_EXCLUDED_FIELDS:
        return False, (f"matters touching {COMMITMENT_EXCLUDED_FIELDS[field]} are excluded "
                       f"({COMMITMENT_EXCLUSION_BASIS})")
    if as_of is not None:
        for m in measures_in_force(memberships, facts, as_of):
            if m.code == "no_notification_commitment":
                return False, f"subject excluded: {m.description} (trigger: {m.trigger}; {m.basis})"
    return True, "notification and commitment allowed"


@dataclass(frozen=True)
class CommitmentSchedule:
    version: str
    effective: date
    verification_days: int  # calendar days after granting to verify the promise
    rectification_days: int  # calendar days to rectify after a broken promise is found


# [cfg] verification and rectification periods, oldest first.
COMMITMENT_SCHEDULES = (
    CommitmentSchedule("commitment-2021.1", date(2021, 1, 1), verification_days=60, rectification_days=30),
)


def commitment_schedule_for(day: date) -> CommitmentSchedule:
    eligible = [s for s in COMMITMENT_SCHEDULES if s.effective <= day]
    if not eligible:
        raise LookupError(f"no commitment schedule in force on {day}")
    return eligible[-1]


def verification_deadline(granted_on: date) -> tuple[Deadline, str]:
    """When the promise behind a licence granted on `granted_on` must be verified, and the version."""
    s = commitment_schedule_for(granted_on)
    return calendar_deadline(granted_on, s.verification_days), s.version


def rectification_deadline(found_on: date) -> tuple[Deadline, str]:
    """Deadline to rectify a broken promise found on `found_on`, and the version."""
    s = commitment_schedule_for(found_on)
    return calendar_deadline(found_on, s.rectification_days), s.version


@dataclass(frozen=True)
class CommitmentOutcome:
    status: str  # rectifying | rectified | revoke
    actions: tuple[str, ...]
    deadline: Deadline
    schedule_version: str
    basis: str


# Guobanfa [2020] No. 42 sec. 3 and Administrative Licensing Law art. 69: a promise not met and not
# rectified in time -> the licence is revoked and the broken commitment goes on the credit record.
BROKEN_COMMITMENT_BASIS = "Guobanfa [2020] No. 42 sec. 3; Administrative Licensing Law art. 69"


def broken_commitment_outcome(found_on: date, rectified_on: date | None, as_of: date) -> CommitmentOutcome:
    """What follows a broken promise found on `found_on`, seen on `as_of`."""
    deadline, version = rectification_deadline(found_on)
    if rectified_on is not None and rectified_on <= deadline.due:
        return CommitmentOutcome("rectified", (), deadline, version, BROKEN_COMMITMENT_BASIS)
    if as_of <= deadline.due:
        return CommitmentOutcome("rectifying", ("order_rectification",), deadline, version,
                                 BROKEN_COMMITMENT_BASIS)
    return CommitmentOutcome("revoke", ("withdraw_licence", "record_commitment_broken"), deadline, version,
                             BROKEN_COMMITMENT_BASIS)
