"""Publicity windows and publication / withdrawal deadlines of disclosed records.

Windows are versioned tables chosen by the decision date; each computation returns the
version it used. A window is `[start, end)`: the record is visible from `start` and no
longer on `end`; `end is None` means until withdrawn.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from shared.contracts.codes import PenaltyKind
from shared.workdays import Deadline, working_deadline


class RecordType(StrEnum):
    INSPECTION_PLAN = "inspection_plan"
    INSPECTION_DRAW = "inspection_draw"
    INSPECTION_RESULT = "inspection_result"
    PENALTY_DECISION = "penalty_decision"
    LICENCE = "licence"  # includes licences granted on notification and commitment
    LIST_ENTRY = "list_entry"
    LIST_EXIT = "list_exit"


class WithdrawalReason(StrEnum):
    CREDIT_REPAIR_APPROVED = "credit_repair_approved"
    DECISION_REVOKED = "decision_revoked"
    DECISION_CHANGED = "decision_changed"


class Channel(StrEnum):
    REGULATOR = (
        "regulator"  # the enforcing department / enterprise credit publicity system
    )
    CREDIT_SITE = "credit_site"  # "double publicity" on the credit websites


class NotPublishable(ValueError):
    """The record must not be published at all (e.g. a penalty that is only a warning)."""


def add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# ---- penalty windows ----------------------------------------------------------------------


@dataclass(frozen=True)
class PenaltyWindowRule:
    version: str
    effective: date
    short_months: int  # criticism or a small fine only
    standard_months: int
    small_fine_organisation: Decimal  # [cfg] upper bound of a "small fine", yuan
    small_fine_person: Decimal  # [cfg]


# SAMR Provisions on Publicity of Administrative Penalty Information (2021): circulated
# criticism or a small fine 3 months, otherwise 3 years; longer restrictions for their length;
# warnings are not published. "Small fine" defaults to the summary-procedure limits of the
# Administrative Penalty Law art. 51 (¥3,000 organisation / ¥200 person) [cfg].
PENALTY_WINDOW_RULES: tuple[PenaltyWindowRule, ...] = (
    PenaltyWindowRule(
        version="penalty-window-2021.09",
        effective=date(2021, 9, 1),
        short_months=3,
        standard_months=36,
        small_fine_organisation=Decimal(3000),
        small_fine_person=Decimal(200),
    ),
)

LIGHT_PENALTY_KINDS = frozenset({"circulated_criticism", "fine"})
UNPUBLISHED_PENALTY_KINDS = frozenset({PenaltyKind.WARNING})


def _in_force(table, on: date):
    eligible = [row for row in table if row.effective <= on]
    if not eligible:
        raise LookupError(f"no rule version in force on {on.isoformat()}")
    return max(eligible, key=lambda row: row.effective)


def penalty_is_publishable(facts: Mapping[str, Any]) -> bool:
    # SAMR penalty publicity provisions: a warning alone is not published.
    kinds = set(facts.get("penalty_kinds") or ())
    return bool(kinds - UNPUBLISHED_PENALTY_KINDS)


def penalty_is_light(facts: Mapping[str, Any], rule: PenaltyWindowRule) -> bool:
    """Only circulated criticism and/or a small fine (warnings ignored)."""
    kinds = set(facts.get("penalty_kinds") or ()) - UNPUBLISHED_PENALTY_KINDS
    if not kinds or not kinds <= LIGHT_PENALTY_KINDS:
        return False
    if "fine" not in kinds:
        return True
    fine = Decimal(str(facts.get("fine_amount", "0")))
    person = facts.get("party_type") == "natural_person"
    return fine <= (rule.small_fine_person if person else rule.small_fine_organisation)


def penalty_window_end(
    start: date, facts: Mapping[str, Any], rule: PenaltyWindowRule
) -> date:
    if penalty_is_light(facts, rule):
        return add_months(start, rule.short_months)
    end = add_months(start, rule.standard_months)
    # Restrictions (business / employment) longer than 3 years are public for their length.
    restriction_end = facts.get("restriction_end")
    return max(end, restriction_end) if restriction_end else end


# ---- windows of the other record types ---------------------------------------------------


@dataclass(frozen=True)
class WindowRule:
    version: str
    effective: date
    months: Mapping[RecordType, int | None]  # None: until withdrawn (or valid_until)


# [cfg] No single statute fixes these; 3 years mirrors the penalty standard. List entries stay
# until the exit withdraws them; licences while valid.
WINDOW_RULES: tuple[WindowRule, ...] = (
    WindowRule(
        version="publicity-window-2021.09",
        effective=date(2021, 9, 1),
        months={
            RecordType.INSPECTION_PLAN: 36,
            RecordType.INSPECTION_DRAW: 36,
            RecordType.INSPECTION_RESULT: 36,
            RecordType.LICENCE: None,
            RecordType.LIST_ENTRY: None,
            RecordType.LIST_EXIT: 36,
        },
    ),
)


def publicity_window(
    record_type: RecordType | str,
    facts: Mapping[str, Any],
    decided_on: date,
    *,
    published_on: date | None = None,
) -> tuple[date, date | None, str]:
    """(start, end or None, rule version). The window runs from publication (defaulting to
    the decision date); the rule version is the one in force on the decision date."""
    record_type = RecordType(record_type)
    start = published_on or decided_on
    if record_type is RecordType.PENALTY_DECISION:
        if not penalty_is_publishable(facts):
            raise NotPublishable(
                "a penalty consisting only of a warning is not published"
            )
        rule = _in_force(PENALTY_WINDOW_RULES, decided_on)
        return start, penalty_window_end(start, facts, rule), rule.version
    rule = _in_force(WINDOW_RULES, decided_on)
    months = rule.months[record_type]
    if record_type is RecordType.LICENCE:
        return start, facts.get("valid_until"), rule.version
    return (
        start,
        (add_months(start, months) if months is not None else None),
        rule.version,
    )


# ---- deadlines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationRule:
    record_type: RecordType
    channel: Channel
    working_days: int
    basis: str  # "[law] ..." or "[cfg]"


@dataclass(frozen=True)
class PublicationRuleSet:
    version: str
    effective: date
    rules: tuple[PublicationRule, ...]


_R, _C = RecordType, Channel
# Interim Regulations on Enterprise Information Publicity arts. 6/10: licences, penalties,
# inspection results and list decisions published within 20 working days.
_EIP = "[law] Enterprise Information Publicity Regs arts. 6/10"
# SAMR penalty publicity provisions: penalty decisions within 20 working days.
_SAMR = "[law] SAMR penalty information publicity provisions"
# Double publicity on credit websites: licences and penalties within 7 working days.
_DOUBLE = "[law/page] NDRC double publicity: 7 working days"

PUBLICATION_RULES: tuple[PublicationRuleSet, ...] = (
    PublicationRuleSet(
        version="publication-due-2021.09",
        effective=date(2021, 9, 1),
        rules=(
            PublicationRule(_R.PENALTY_DECISION, _C.REGULATOR, 20, _SAMR),
            PublicationRule(_R.PENALTY_DECISION, _C.CREDIT_SITE, 7, _DOUBLE),
            PublicationRule(_R.LICENCE, _C.REGULATOR, 20, _EIP),
            PublicationRule(_R.LICENCE, _C.CREDIT_SITE, 7, _DOUBLE),
            PublicationRule(_R.INSPECTION_RESULT, _C.REGULATOR, 20, _EIP),
            PublicationRule(_R.LIST_ENTRY, _C.REGULATOR, 20, _EIP),
            PublicationRule(_R.LIST_EXIT, _C.REGULATOR, 20, _EIP),
            PublicationRule(
                _R.LIST_ENTRY, _C.CREDIT_SITE, 7, "[cfg] as double publicity"
            ),
            PublicationRule(
                _R.LIST_EXIT, _C.CREDIT_SITE, 7, "[cfg] as double publicity"
            ),
            PublicationRule(_R.INSPECTION_PLAN, _C.REGULATOR, 20, "[cfg]"),
            PublicationRule(_R.INSPECTION_DRAW, _C.REGULATOR, 20, "[cfg]"),
        ),
    ),
)


def publication_rule(
    record_type: RecordType | str,
    decided_on: date,
    channel: Channel | str = Channel.REGULATOR,
) -> tuple[PublicationRule, str]:
    """The rule and the version of the table it came from."""
    ruleset = _in_force(PUBLICATION_RULES, decided_on)
    key = (RecordType(record_type), Channel(channel))
    for rule in ruleset.rules:
        if (rule.record_type, rule.channel) == key:
            return rule, ruleset.version
    raise LookupError(f"no publication deadline for {key[0]} on {key[1]}")


def publication_due(
    record_type: RecordType | str,
    decided_on: date,
    *,
    channel: Channel | str = Channel.REGULATOR,
) -> Deadline:
    rule, _ = publication_rule(record_type, decided_on, channel)
    return working_deadline(decided_on, rule.working_days)


# Administrative Penalty Law art. 48 (days are working days, art. 85): a changed or revoked
# decision withdrawn within 3 days; credit repair: removal from publicity within 3 working days.
WITHDRAWAL_WORKING_DAYS = 3


def withdrawal_due(
    requested_on: date, reason: WithdrawalReason | str | None = None
) -> Deadline:
    if reason is not None:
        WithdrawalReason(reason)  # reject unknown reasons: each must have a legal basis
    return working_deadline(requested_on, WITHDRAWAL_WORKING_DAYS)


def is_late(due: Deadline, done_on: date) -> bool:
    return done_on > due.due


def _get(record: Any, name: str) -> Any:
    return (
        record.get(name) if isinstance(record, Mapping) else getattr(record, name, None)
    )


def is_visible(record: Any, as_of: date) -> bool:
    """Published on or before `as_of`, not withdrawn by then, window not yet ended.

    `record` is a mapping or object with `published_on`, `withdrawn_on`, `window_end` (dates).
    """
    published_on = _get(record, "published_on")
    withdrawn_on = _get(record, "withdrawn_on")
    window_end = _get(record, "window_end")
    if published_on is None or published_on > as_of:
        return False
    if withdrawn_on is not None and withdrawn_on <= as_of:
        return False
    return window_end is None or as_of < window_end
