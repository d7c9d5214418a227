"""Who may file which credit record and list entry, and what each must cite (pure tables).

The catalogue (coordination) answers which department holds which matter, district and function on a
date; these tables say which of those a credit act needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .facts import ABNORMAL, RED, SERIOUS_DISHONESTY


@dataclass(frozen=True)
class FilingRule:
    roles: tuple[str, ...]
    cites: str | None  # what `source_ref` must name; None: optional
    power: str | None  # the entrusted power the act uses (an entrusted team needs it in its letter)


# Administrative Penalty Law arts. 38-39, 57: a penalty exists only as a decision of the organ, made by its
# case officers after investigation and, where required, legal review: an inspector files none, and a
# department's own decision system cites the decision number.
PENALTY_FILING = FilingRule(roles=("case_officer",), cites="the penalty decision number", power="penalty")
# Shanghai Social Credit Regulations (the body that provides information answers for it): each kind is
# filed by the role that made the underlying act.
RECORD_FILING: dict[str, FilingRule] = {
    "penalty": PENALTY_FILING,
    "licence": FilingRule(roles=("credit_officer", "case_officer"), cites="the licence number", power=None),
    "inspection_result": FilingRule(roles=("inspector",), cites=None, power="inspection"),
    "commitment_kept": FilingRule(roles=("credit_officer",), cites=None, power=None),
    "commitment_broken": FilingRule(roles=("credit_officer",), cites=None, power=None),
    "complaint_upheld": FilingRule(roles=("case_officer",), cites="the complaint's handling decision", power=None),
    "honour": FilingRule(roles=("credit_officer",), cites=None, power=None),
}


@dataclass(frozen=True)
class ListEntryAuthority:
    function: str | None  # the catalogue function the entering department must hold
    basis: str


# Interim Measures on Abnormal Operations Lists art. 4 and Regulations on Enterprise Information Publicity
# art. 17: the registration authority (market regulation) lists the subjects it registered.
# SAMR Order No. 44 (2021, serious illegal and dishonest list): the entry is made by the department that
# decided the penalty establishing the ground, citing that decision. Guofa [2016] No. 33 sec. 2: the red list by the
# department that grants the honour.
LIST_ENTRY_AUTHORITY: dict[str, ListEntryAuthority] = {
    ABNORMAL: ListEntryAuthority("registration_authority", "the registration authority of the subject's district"),
    SERIOUS_DISHONESTY: ListEntryAuthority(None, "the department whose decision the entry cites"),
    RED: ListEntryAuthority("red_list_grantor", "a department that grants the red list"),
}
# Grounds only the statutory sweep uses (never an API caller).
SWEEP_ONLY_GROUNDS = frozenset({"escalated_from_abnormal"})


@dataclass(frozen=True)
class BackdatingTolerance:
    version: str
    effective_from: date
    days: int


# [cfg] How far back a list entry may be dated without citing the act of that date: SAIC Order 68 lists
# subjects 10 working days after the deadline or verification, so two calendar weeks covers the lawful lag.
BACKDATING_TOLERANCES: tuple[BackdatingTolerance, ...] = (
    BackdatingTolerance("backdating-2020.1", date(2020, 1, 1), 14),
)


def backdating_tolerance(on: date) -> BackdatingTolerance:
    return max((t for t in BACKDATING_TOLERANCES if t.effective_from <= on), key=lambda t: t.effective_from)


def backdated_without_act(entered_on: date, today: date, source_ref: str | None,
                          source_date: date | None) -> str | None:
    """Why an entry dated `entered_on` needs the act of that date; None when it may stand."""
    t = backdating_tolerance(today)
    if entered_on >= today - timedelta(days=t.days):
        return None
    if source_ref and source_date == entered_on:
        return None
    return (f"an entry dated more than {t.days} days back ({entered_on}) must cite the act of that date: "
            f"source_ref and source_date = {entered_on} ({t.version})")
