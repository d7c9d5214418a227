"""Grades, risk and measures: computed from the records and list entries by the pure rules.

The current grade and risk state are stored on the subject and recomputed whenever a record or a
list entry of the subject changes; `sup.credit.grade.changed` only when the grade changes, and
`sup.credit.risk.alerted` once per crossing of the alert threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.grading.repository import GradingRepository
from services.credit.models import Subject
from services.credit.rules.facts import ListMembership, RecordFact
from services.credit.rules.grading import (
    GradeExplanation,
    grade_score_fast,
    grade_subject,
    rule_set_for,
)
from services.credit.rules.measures import Measure, measures_in_force
from services.credit.rules.risk import RiskAssessment, assess_risk
from shared.clock import shanghai_today
from shared.contracts import EventPayload
from shared.contracts.credit import GradeChanged, RiskAlerted
from shared.ids import new_id


def record_fact(row: Any) -> RecordFact:
    """A record row as the rules see it. Publicity that ended (by expiry or repair) ends its weight;
    a record never published (a warning: end == start) keeps its weight."""
    ended = None
    if row.status == "repaired":
        ended = row.status_on
    elif row.publicity_end is not None and row.publicity_start is not None and row.publicity_end > row.publicity_start:
        ended = row.publicity_end
    return RecordFact(row.id, row.kind, row.decision_date, severity=row.severity, outcome=row.outcome,
                      penalty_kind=row.penalty_kind, amount=float(row.amount) if row.amount is not None else None,
                      publicity_end=ended, restriction_end=row.restriction_end)


def membership(row: Any) -> ListMembership:
    return ListMembership(row.list_kind, row.entered_on, row.reason, row.exited_on)


async def subject_facts(session: AsyncSession, uscc: str) -> tuple[list[RecordFact], list[ListMembership]]:
    records, members = await GradingRepository(session).facts_and_memberships(uscc)
    return [record_fact(r) for r in records], [ListMembership(*m) for m in members]


def _score(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


async def regrade(session: AsyncSession, uscc: str, as_of: date | None = None,
                  events: list[EventPayload] | None = None) -> str | None:
    """Recompute and store the grade and risk of one subject; emit what changed. Returns the grade,
    or None for a subject not registered (yet).

    `events`: payloads about this subject the caller has yet to emit (e.g. the record that caused
    the regrade); they are written first, in the same statement as the ones the regrade emits.
    The hot path of every record and list event: two cached reads, the state written only when
    it moved, one outbox statement.
    """
    pending = list(events or ())
    repo = GradingRepository(session)
    state = await repo.grading_state(uscc)
    if state is None:
        await _emit(repo, uscc, pending)
        return None  # records about subjects not (yet) registered wait for registration
    as_of = as_of or shanghai_today()
    facts, members = await subject_facts(session, uscc)
    grade, score = grade_score_fast(facts, members, state.industry_risk, as_of)
    version = rule_set_for(as_of).version
    if grade != state.grade:
        pending.append(GradeChanged(uscc=uscc, grade=grade, previous_grade=state.grade, score=round(score, 2),
                                    rule_set_version=version, as_of=as_of))
    risk = assess_risk(facts, members, state.industry_risk, as_of)
    if risk.alert and not state.risk_alerted:
        pending.append(RiskAlerted(alert_id=new_id(), uscc=uscc, subject_name=state.name, score=risk.score,
                                   level=risk.level, reasons=list(risk.reasons), model_version=risk.model_version,
                                   as_of=as_of))
    # Falling below the threshold re-arms the alert for the next crossing.
    values = {"grade": grade, "grade_score": _score(score), "grade_version": version, "graded_on": as_of,
              "risk_alerted": risk.alert, "risk_score": _score(risk.score), "risk_level": risk.level,
              "risk_version": risk.model_version}
    if any(values[k] != getattr(state, k) for k in values if k != "graded_on"):
        await repo.set_state(uscc, values)
    await _emit(repo, uscc, pending)
    return grade


async def _emit(repo: GradingRepository, uscc: str, payloads: list[EventPayload]) -> None:
    await repo.bulk_add_events([(p, uscc, p.event_type, p.event_version) for p in payloads])


@dataclass
class GradeReport:
    subject: Subject
    explanation: GradeExplanation
    records: dict[str, Any]


async def explain_grade(session: AsyncSession, subject: Subject) -> GradeReport:
    facts, members = await subject_facts(session, subject.uscc)
    explanation = grade_subject(facts, members, subject.industry_risk, shanghai_today())
    rows = {r.id: r for r in await GradingRepository(session).fact_rows(subject.uscc)}
    return GradeReport(subject, explanation, rows)


async def explain_risk(session: AsyncSession, subject: Subject) -> RiskAssessment:
    facts, members = await subject_facts(session, subject.uscc)
    return assess_risk(facts, members, subject.industry_risk, shanghai_today())


async def measures_for(session: AsyncSession, subject: Subject) -> tuple[list[Measure], date]:
    facts, members = await subject_facts(session, subject.uscc)
    as_of = shanghai_today()
    return measures_in_force(members, facts, as_of), as_of


@dataclass
class RegradeTotals:
    subjects: int = 0
    changed: int = 0


async def regrade_batch(session: AsyncSession, after: str | None, batch_size: int, as_of: date,
                        totals: RegradeTotals) -> str | None:
    """Regrade the next batch of subjects after `after` (by USCC); returns the last USCC or None when done.

    Grade only (grade_score_fast): risk follows each subject's own events. A subject without records
    or list entries (most of them) has the grade of its industry risk alone, computed once. Only
    rows whose grade or score moved are written (one statement), and only grade changes emitted.
    """
    repo = GradingRepository(session)
    subjects = await repo.grading_batch(after, batch_size)
    if not subjects:
        return None
    first, last = subjects[0][0], subjects[-1][0]
    facts: dict[str, list[RecordFact]] = defaultdict(list)
    for r in await repo.fact_rows_between(first, last):
        facts[r.uscc].append(record_fact(r))
    members: dict[str, list[ListMembership]] = defaultdict(list)
    for m in await repo.membership_rows_between(first, last):
        members[m.uscc].append(membership(m))
    rs = rule_set_for(as_of)
    plain: dict[str, tuple[str, float]] = {}  # industry risk -> (grade, score) without records or lists
    no_facts: tuple = ()
    usccs, grades, scores, events = [], [], [], []
    for uscc, risk, grade, stored in subjects:
        if uscc in facts or uscc in members:
            new_grade, score = grade_score_fast(facts.get(uscc, no_facts), members.get(uscc, no_facts), risk,
                                                as_of, rs)
            score = round(score, 2)
        else:
            new_grade, score = plain.get(risk) or plain.setdefault(risk, _rounded(grade_score_fast(
                no_facts, no_facts, risk, as_of, rs)))
        # Stored scores have two decimals: as floats they equal the rounded score exactly when unchanged.
        if new_grade != grade or score != stored:
            usccs.append(uscc)
            grades.append(new_grade)
            scores.append(_score(score))
            if new_grade != grade:
                events.append(({"uscc": uscc, "grade": new_grade, "previous_grade": grade, "score": score,
                                "rule_set_version": rs.version, "as_of": as_of.isoformat()},
                               uscc, GradeChanged.event_type, GradeChanged.event_version))
    await repo.bulk_set_grades(usccs, grades, scores, rs.version, as_of)
    await repo.bulk_add_events(events)
    totals.subjects += len(subjects)
    totals.changed += len(events)
    return last if len(subjects) == batch_size else None


def _rounded(grade_score: tuple[str, float]) -> tuple[str, float]:
    return grade_score[0], round(grade_score[1], 2)


async def regrade_all(sessionmaker: Callable, *, batch_size: int = 20_000, as_of: date | None = None,
                      progress: Callable[[int], None] | None = None) -> RegradeTotals:
    """Regrade every subject, one transaction per batch (the nightly run and `supervision credit regrade`)."""
    as_of = as_of or shanghai_today()
    totals = RegradeTotals()
    after: str | None = None
    while True:
        async with sessionmaker() as session:
            before = totals.subjects
            after = await regrade_batch(session, after, batch_size, as_of, totals)
            await session.commit()
        if progress:
            progress(totals.subjects - before)
        if after is None:
            return totals
