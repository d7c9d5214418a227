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

from services.credit.models import Subject
from services.credit.repository import SubjectRepository
from services.credit.repository_records import ListRepository, RecordRepository
from services.credit.rules.facts import ListMembership, RecordFact
from services.credit.rules.grading import (
    GradeExplanation,
    grade_score_fast,
    grade_subject,
    rule_set_for,
)
from services.credit.rules.measures import Measure, measures_in_force
from services.credit.rules.risk import RiskAssessment, assess_risk
from services.credit.service import shanghai_today, subject_or_404
from shared.bus.outbox import add_event
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
    facts = [record_fact(r) for r in await RecordRepository(session).fact_rows(uscc)]
    members = [membership(r) for r in await ListRepository(session).membership_rows(uscc)]
    return facts, members


def _score(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


async def regrade(session: AsyncSession, uscc: str, as_of: date | None = None) -> Subject | None:
    """Recompute and store the grade and risk of one subject; emit what changed."""
    subject = await SubjectRepository(session).get(uscc)
    if subject is None:
        return None  # records about subjects not (yet) registered wait for registration
    as_of = as_of or shanghai_today()
    facts, members = await subject_facts(session, uscc)
    grade, score = grade_score_fast(facts, members, subject.industry_risk, as_of)
    version = rule_set_for(as_of).version
    if grade != subject.grade:
        await add_event(session, GradeChanged(uscc=uscc, grade=grade, previous_grade=subject.grade,
                                              score=round(score, 2), rule_set_version=version, as_of=as_of),
                        subject=uscc)
    risk = assess_risk(facts, members, subject.industry_risk, as_of)
    if risk.alert and not subject.risk_alerted:
        await add_event(session, RiskAlerted(alert_id=new_id(), uscc=subject.uscc, subject_name=subject.name,
                                             score=risk.score, level=risk.level, reasons=list(risk.reasons),
                                             model_version=risk.model_version, as_of=as_of), subject=subject.uscc)
    # Falling below the threshold re-arms the alert for the next crossing.
    await SubjectRepository(session).set_state(
        uscc, grade=grade, grade_score=_score(score), grade_version=version, graded_on=as_of,
        risk_alerted=risk.alert, risk_score=_score(risk.score), risk_level=risk.level, risk_version=risk.model_version)
    return subject


@dataclass
class GradeReport:
    subject: Subject
    explanation: GradeExplanation
    records: dict[str, Any]


async def explain_grade(session: AsyncSession, uscc: str) -> GradeReport:
    subject = await subject_or_404(session, uscc)
    facts, members = await subject_facts(session, subject.uscc)
    explanation = grade_subject(facts, members, subject.industry_risk, shanghai_today())
    rows = {r.id: r for r in await RecordRepository(session).fact_rows(subject.uscc)}
    return GradeReport(subject, explanation, rows)


async def explain_risk(session: AsyncSession, uscc: str) -> tuple[Subject, RiskAssessment]:
    subject = await subject_or_404(session, uscc)
    facts, members = await subject_facts(session, subject.uscc)
    return subject, assess_risk(facts, members, subject.industry_risk, shanghai_today())


async def measures_for(session: AsyncSession, uscc: str) -> tuple[Subject, list[Measure], date]:
    subject = await subject_or_404(session, uscc)
    facts, members = await subject_facts(session, subject.uscc)
    as_of = shanghai_today()
    return subject, measures_in_force(members, facts, as_of), as_of


@dataclass
class RegradeTotals:
    subjects: int = 0
    changed: int = 0


async def regrade_batch(session: AsyncSession, after: str | None, batch_size: int, as_of: date,
                        totals: RegradeTotals) -> str | None:
    """Regrade the next batch of subjects after `after` (by USCC); returns the last USCC or None when done.

    Grade only (grade_score_fast): risk follows each subject's own events. Rows whose grade or
    score moved are updated in one executemany; grade changes are emitted in one outbox insert.
    """
    repo = SubjectRepository(session)
    subjects = await repo.grading_batch(after, batch_size)
    if not subjects:
        return None
    first, last = subjects[0].uscc, subjects[-1].uscc
    facts: dict[str, list[RecordFact]] = defaultdict(list)
    for r in await RecordRepository(session).fact_rows_between(first, last):
        facts[r.uscc].append(record_fact(r))
    members: dict[str, list[ListMembership]] = defaultdict(list)
    for m in await ListRepository(session).membership_rows_between(first, last):
        members[m.uscc].append(membership(m))
    rs = rule_set_for(as_of)
    no_facts: list = []
    updates, events = [], []
    for s in subjects:
        grade, score = grade_score_fast(facts.get(s.uscc, no_facts), members.get(s.uscc, no_facts),
                                        s.industry_risk, as_of, rs)
        stored = _score(score)
        if grade != s.grade or stored != s.grade_score:
            updates.append({"k": s.uscc, "grade": grade, "grade_score": stored, "grade_version": rs.version,
                            "graded_on": as_of})
            if grade != s.grade:
                events.append(({"uscc": s.uscc, "grade": grade, "previous_grade": s.grade, "score": float(stored),
                                "rule_set_version": rs.version, "as_of": as_of.isoformat()},
                               s.uscc, GradeChanged.event_type, GradeChanged.event_version))
    await repo.bulk_set_grades(updates)
    await repo.bulk_add_events(events)
    totals.subjects += len(subjects)
    totals.changed += len(events)
    return last if len(subjects) == batch_size else None


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
