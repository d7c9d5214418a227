"""Credit repair: ending the publicity of penalty information early, and its deadlines.

Eligible after the minimum publicity period, with legal obligations performed, harm removed, no
repeat and the subject on no punishment list; never early for the heaviest penalty kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.workdays import Deadline, working_deadline

from .facts import (
    ABNORMAL,
    BUSINESS_RESTRICTION,
    CLOSURE,
    EMPLOYMENT_RESTRICTION,
    LICENCE_REVOCATION,
    PENALTY,
    SERIOUS_DISHONESTY,
    SUSPENSION,
    RecordFact,
    active_lists,
    add_months,
)
from .publicity import CREDIT_CHINA, NATIONAL, minimum_publicity_end, publicity_window

# NDRC Measures for Credit Information Repair (2023) and SAMR credit repair measures (2021): no early
# end of publicity for suspension, licence revocation, business or employment restriction (an
# ordered closure restricts business for good).
NEVER_EARLY_PENALTY_KINDS = frozenset({SUSPENSION, LICENCE_REVOCATION, BUSINESS_RESTRICTION, EMPLOYMENT_RESTRICTION,
                                       CLOSURE})


@dataclass(frozen=True)
class NationalRepairRule:
    version: str
    effective: date
    minimum_months: int  # published this long before early end may be asked
    basis: str


# [cfg] national system (SAMR credit repair measures, 2021): penalties published for 3 years may be
# repaired after 1 year; 3-month publicity simply runs out.
NATIONAL_REPAIR_RULES = (
    NationalRepairRule("national-repair-2021.09", date(2021, 9, 1), 12, "SAMR credit repair measures (2021)"),
)


def _national_minimum(record: RecordFact, decided_on: date) -> tuple[date, str]:
    rule = [r for r in NATIONAL_REPAIR_RULES if r.effective <= decided_on][-1]
    return add_months(decided_on, rule.minimum_months), rule.version


def repair_eligibility(record: RecordFact, memberships, obligations_performed: bool, as_of: date, *,
                       platform: str = CREDIT_CHINA, harm_removed: bool = True,
                       repeat_offence: bool = False) -> tuple[bool, list[str]]:
    """(eligible, reasons): every unmet condition, or the conditions met and rule versions used."""
    if record.kind != PENALTY:
        return False, [f"record {record.record_id} is a {record.kind}: only penalty information is repaired"]
    window = publicity_window(record, record.decision_date, platform)
    if window.end <= as_of:
        return False, [f"publicity already ended on {window.end} ({window.rule_version})"]
    against: list[str] = []
    if record.penalty_kind in NEVER_EARLY_PENALTY_KINDS:
        against.append(f"{record.penalty_kind} is never repaired early: published until {window.end}")
    if platform == NATIONAL:
        earliest, version = _national_minimum(record, record.decision_date)
    else:
        earliest, version = minimum_publicity_end(record, record.decision_date)
    if earliest >= window.end:
        against.append(f"publicity is short and runs out on {window.end} ({window.rule_version})")
    elif as_of < earliest:
        against.append(f"minimum publicity period runs until {earliest} ({version})")
    if not obligations_performed:
        against.append("legal obligations set by the penalty not performed")
    if not harm_removed:
        against.append("harm caused not removed")
    if repeat_offence:
        against.append("same violation repeated")
    on = active_lists(memberships, as_of) & {ABNORMAL, SERIOUS_DISHONESTY}
    if on:
        against.append(f"on the {', '.join(sorted(on))} list")
    if against:
        return False, against
    return True, [f"minimum period reached on {earliest} ({version})", "obligations performed",
                  "harm removed, no repeat", "on no punishment list", f"publicity rule {window.rule_version}"]


# NDRC Measures for Credit Information Repair (2023): decide on a repair application within 10
# working days of accepting it.
REPAIR_DECISION_WORKING_DAYS = 10
# Same measures: once repaired, remove the information from every site it was shared to within 3
# working days.
REPAIR_REMOVAL_WORKING_DAYS = 3


def repair_decision_deadline(accepted_on: date) -> Deadline:
    return working_deadline(accepted_on, REPAIR_DECISION_WORKING_DAYS)


def repair_removal_deadline(decided_on: date) -> Deadline:
    return working_deadline(decided_on, REPAIR_REMOVAL_WORKING_DAYS)
