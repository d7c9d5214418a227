"""Decisions: the discretion benchmark and exemption list, the gates before deciding, numbering,
service, payment, closing and revocation."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.cases.repository import CaseRepository
from services.casework.cases.schemas import Step
from services.casework.cases.service import (
    UNIDENTIFIED_PARTY,
    action_date,
    decision_clock_of,
    forbidden_transition,
    load,
    move,
    now,
    party_kind_for,
    readable_department_filter,
    record,
    require_case_officer,
    require_matter_authority,
    require_reader,
    today,
)
from services.casework.decisions.repository import DecisionRepository
from services.casework.decisions.schemas import (
    DecisionChange,
    DecisionCreate,
    Payment,
    RecommendationRequest,
    Revoke,
    Serve,
)
from services.casework.models import Case, Decision, PriorPenalty
from services.casework.reviews.repository import ReviewRepository
from services.casework.reviews.service import review_requirement
from services.casework.rules.clocks import payment_deadline, service_deadline
from services.casework.rules.discretion import (
    DiscretionFacts,
    Recommendation,
    benchmark_of,
    check_fine,
    rec_range,
    recommend_band,
    tables_in_force,
)
from services.casework.rules.discretion_tables import Band, DiscretionTable
from services.casework.rules.fees import late_fee
from services.casework.rules.first_offence import is_first_offence
from services.casework.rules.hearing import ProposedPenalty, hearing_right_applies
from services.casework.rules.legal_review import LegalReview as ReviewFact
from services.casework.rules.legal_review import (
    new_review_needed,
    review_allows_decision,
)
from services.casework.rules.penalties import DecisionKind, PenaltyKind
from services.casework.rules.publicity import decision_publishable, withdrawal_deadline
from services.casework.rules.routing import decision_number
from services.casework.rules.workflow import (
    CaseAction,
    CaseFacts,
    CaseState,
    ForbiddenTransition,
    allowed_transitions,
    check_transition,
)
from services.casework.rules.workflow import CaseAction as A
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.contracts.casework import CaseClosed, DecisionIssued, DecisionRevoked
from shared.contracts.codes import PartyKind, RevocationKind, Severity
from shared.errors import Conflict, NotFound, Unprocessable
from shared.ids import new_id

K = PenaltyKind
MONEY_KINDS = {K.FINE}
CONFISCATION_KINDS = {K.CONFISCATION_OF_ILLEGAL_GAINS, K.CONFISCATION_OF_ILLEGAL_PROPERTY}
SEVERITY_OF_BAND = {Band.NO_PENALTY: Severity.MINOR, Band.MITIGATED: Severity.MINOR, Band.LIGHTER: Severity.MINOR,
                    Band.GENERAL: Severity.GENERAL, Band.HEAVIER: Severity.SERIOUS}


# ---------------------------------------------------------------------------- discretion


async def first_offence(session: AsyncSession, uscc: str, as_of: date) -> bool:
    return is_first_offence(await DecisionRepository(session).prior_penalty_dates(uscc), as_of)


def recommend(violation_type: str, facts: DiscretionFacts, as_of: date, field: str, date_field: str,
              department: str | None = None) -> Recommendation:
    try:
        return recommend_band(violation_type, facts, as_of=as_of, department=department)
    except KeyError as exc:
        raise Unprocessable.field(field, "known_violation_type", str(exc.args[0])) from None
    except LookupError as exc:  # the date is before the first benchmark in force
        raise Unprocessable.field(date_field, "rule_in_force", str(exc.args[0])) from None


async def recommendation(session: AsyncSession, principal: Principal, violation_type: str, facts_in: RecommendationRequest | None,
                         uscc: str | None, as_of: date | None, date_field: str) -> dict[str, Any]:
    """The benchmark is public (APL art. 34); the first-offence lookup is for departments only."""
    day = as_of or today()
    raw = facts_in.model_dump(exclude={"uscc", "as_of"}) if facts_in is not None else {}
    caller_first = bool(raw.pop("first_offence", None))
    if uscc and not principal.is_public:
        first, source = await first_offence(session, uscc, day), "record"
    else:
        first, source = caller_first, "caller"
    rec = recommend(violation_type, DiscretionFacts(**raw, first_offence=first), day, "path.violation_type",
                    date_field)
    out = asdict(rec)
    out.update(education_required=rec.education_required, first_offence=first, first_offence_source=source,
               sample_table=rec.sample_table)
    return out


def published_benchmarks(as_of: date | None, department: str | None) -> tuple[date, list[DiscretionTable]]:
    """Every department's benchmark in force on the day, default today (APL art. 34: published)."""
    day = as_of or today()
    try:
        return day, tables_in_force(day, department)
    except LookupError as exc:
        raise Unprocessable.field("query.as_of", "rule_in_force", str(exc.args[0])) from None


# ---------------------------------------------------------------------------- issuing


def _shape(data: DecisionCreate) -> None:
    kinds = set(data.penalty_kinds)
    if data.decision_kind == DecisionKind.PENALTY:
        if not kinds:
            raise Unprocessable.field("body.penalty_kinds", "required", "a penalty decision names its penalties")
        if (data.fine_amount > 0) != bool(kinds & MONEY_KINDS):
            raise Unprocessable.field("body.fine_amount", "fine_matches_kinds",
                                      "a fine amount goes with penalty kind 'fine', and 'fine' needs an amount")
        if data.confiscation_amount > 0 and not kinds & CONFISCATION_KINDS:
            raise Unprocessable.field("body.confiscation_amount", "confiscation_matches_kinds",
                                      "a confiscated amount needs a confiscation penalty kind")
    elif kinds or data.fine_amount or data.confiscation_amount:
        raise Unprocessable.field("body.penalty_kinds", "no_penalty_has_none",
                                  f"a {data.decision_kind} decision imposes no penalty, fine or confiscation")


async def _gate_facts(repo: CaseRepository, case: Case, fine: Decimal) -> tuple[CaseFacts, list[str]]:
    req = review_requirement(case, fine)
    rejected = new_review_needed(case.review_status)
    if not req.required and not rejected:  # a review matters where one is required or was rejected (APL art. 58)
        return CaseFacts(case.suspected_crime, False, False), req.reasons
    passed = await _review_passed(repo, case)
    return CaseFacts(case.suspected_crime, req.required, passed, legal_review_rejected=rejected), req.reasons


async def _review_passed(repo: CaseRepository, case: Case) -> bool:
    reviews = await ReviewRepository(repo.session).of_case(case.id)
    latest = reviews[-1] if reviews else None
    fact = ReviewFact(latest.reviewer_id or "", latest.status) if latest else None  # type: ignore[arg-type]
    return review_allows_decision(fact, case.investigators)


def _within_statutory_maximum(case: Case, data: DecisionCreate) -> None:
    """A fine above what the law allows is unlawful whatever the case's state: refused first, so no
    review is ever asked to pass it."""
    violation_type = data.violation_type or case.violation_type
    if not violation_type or data.fine_amount <= 0:
        return
    try:
        table, bench = benchmark_of(violation_type, data.decided_on or today(), department=case.department)
    except LookupError:
        return  # reported with its field once the decision's date and type are checked
    if data.fine_amount > bench.statutory.max_amount:
        raise Unprocessable.field("body.fine_amount", "statutory_range",
                                  f"¥{data.fine_amount} exceeds the statutory maximum ¥{bench.statutory.max_amount}: "
                                  f"{bench.legal_basis} (benchmark {table.version})")


async def _within_benchmark(repo: CaseRepository, case: Case, data: DecisionCreate, rec: Recommendation,
                            band: Band) -> str | None:
    """The benchmark binds: a fine outside the statutory range is refused; one outside the recommended
    band needs a stated reason and a passed legal review. Returns the departure reason, if any."""
    if data.fine_amount <= 0:
        return None
    check = check_fine(rec, band, data.fine_amount)
    if check.refused is not None:
        raise Unprocessable.field("body.fine_amount", *check.refused)
    if not check.departs:
        return None
    r = rec_range(rec, band)
    where = f"¥{data.fine_amount} is outside the recommended {band.value} band ¥{r.min_amount}-{r.max_amount}"
    if not data.band_departure_reason:
        raise Unprocessable.field("body.band_departure_reason", "band_departure_reason",
                                  f"{where} ({rec.table_version}): state why the benchmark is departed from")
    if not await _review_passed(repo, case):
        raise Conflict(f"{where}: a departure from the benchmark is decided only after a passed legal review "
                       "(APL art. 58(1)(4); benchmark rule)", current_state=case.state,
                       allowed=["submit_for_review"], rule="discretion.departure_review")
    return data.band_departure_reason


def _rights_heard(case: Case, data: DecisionCreate, decided_on: date) -> None:
    """APL arts. 44, 62-64: no penalty without prior notice, nor before the hearing right ran its course."""
    if case.rights_notified_on is None:
        raise Conflict("the party was not told of the intended penalty and its rights (APL art. 44); "
                       "notify_rights first", current_state=case.state, allowed=["notify_rights"])
    proposed = ProposedPenalty("organisation" if case.party_kind == "organisation" else "individual",
                               frozenset(data.penalty_kinds), data.fine_amount, data.confiscation_amount)
    right = hearing_right_applies(proposed, as_of=decided_on)
    if right.applies and not case.hearing_right:
        raise Conflict("this penalty carries a hearing right the party was not told of: "
                       + "; ".join(right.reasons) + " — notify the rights again",
                       current_state=case.state, hearing_reasons=right.reasons)
    if case.hearing_right and case.hearing_requested_on is None and case.hearing_request_due \
            and decided_on <= case.hearing_request_due:
        raise Conflict(f"the party may request a hearing until {case.hearing_request_due} (APL arts. 64, 85)",
                       current_state=case.state, hearing_request_due=case.hearing_request_due.isoformat())


def _summary(case: Case, data: DecisionCreate) -> str:
    """The officer's own summary. Never the lead's text: a tip-off's description is the reporter's
    words and may name them, and decisions are published."""
    return data.summary or f"{data.violation_type or case.violation_type}: {case.party_name}"


def _full_text(number: str, case: Case, data: DecisionCreate, rec: Recommendation, decided_on: date) -> str:
    kinds = ", ".join(k.value for k in data.penalty_kinds) or "none"
    return (f"Administrative decision {number}\nParty: {case.party_name} ({case.uscc})\n"
            f"Violation: {data.violation_type or case.violation_type}\nFacts: {_summary(case, data)}\n"
            f"Legal basis: {data.legal_basis}\nDecision: {data.decision_kind.value}; penalties: {kinds}; "
            f"fine ¥{data.fine_amount}; confiscation ¥{data.confiscation_amount}\n"
            f"Discretion band: {rec.band.value} ({rec.table_version}); {'; '.join(rec.reasons)}\n"
            f"Decided on {decided_on.isoformat()}. The party may apply for administrative reconsideration "
            "within 60 days or bring an administrative lawsuit within 6 months.")


async def issue(session: AsyncSession, principal: Principal, data: DecisionCreate,
                replaces: Decision | None = None) -> Decision:
    repo = CaseRepository(session)
    case = await load(repo, data.case_id, for_update=True)
    require_case_officer(principal, case.department)
    _within_statutory_maximum(case, data)
    facts, review_reasons = await _gate_facts(repo, case, data.fine_amount)
    try:  # state, suspected crime (APL art. 27) and the review gate (art. 58) before anything else
        check_transition(case.state, A.DECIDE, facts)
    except ForbiddenTransition as exc:
        raise forbidden_transition(exc) from None
    violation_type = data.violation_type or case.violation_type
    if not violation_type:
        raise Unprocessable.field("body.violation_type", "required", "the case has no violation type; give one")
    if not case.uscc:
        raise Unprocessable.field("body.case_id", "party_uscc", "the case names no USCC of the party; set it first")
    if case.party_name == UNIDENTIFIED_PARTY:
        raise Unprocessable.field("body.case_id", "party_name",
                                  "the case's party is not identified yet; set party_name on the case first")
    decided_on = action_date(data.decided_on, "body.decided_on", not_before=case.filed_on)
    if not case.matter_code:
        # Seed §2(1): a decision is made on the department's own supervision matter, named on the case.
        raise Unprocessable.field("body.case_id", "matter_required",
                                  "the case names no supervision matter; set matter_code on the case first")
    await require_matter_authority(session, principal, case.matter_code, decided_on)
    _shape(data)
    first = await first_offence(session, case.uscc, decided_on)
    raw = data.facts.model_dump(exclude={"first_offence"})
    rec = recommend(violation_type, DiscretionFacts(**raw, first_offence=first), decided_on, "body.violation_type",
                    "body.decided_on", department=case.department)
    kind = data.decision_kind
    if kind == DecisionKind.PENALTY and rec.mandatory_no_penalty:
        raise Unprocessable.field("body.decision_kind", "mandatory_no_penalty",
                                  "; ".join(rec.reasons) + ": no penalty may be imposed")
    if kind == DecisionKind.NO_PENALTY_MINOR:
        if not (rec.mandatory_no_penalty or rec.may_waive):
            raise Unprocessable.field("body.decision_kind", "exemption_not_applicable",
                                      "the facts fit neither exemption of APL art. 33(1): " + "; ".join(rec.reasons))
        if not data.education_given:
            raise Unprocessable.field("body.education_given", "required",
                                      "a party not penalised is educated; record how (APL art. 33(3))")
    if kind == DecisionKind.PENALTY:
        _rights_heard(case, data, decided_on)
    band = rec.if_not_waived if (rec.may_waive and kind == DecisionKind.PENALTY) else rec.band
    departure = await _within_benchmark(repo, case, data, rec, band or rec.band)
    clock = await decision_clock_of(repo, case, decided_on)

    seq = await DecisionRepository(session).next_number(case.department, decided_on.year)
    number = decision_number(case.department, decided_on.year, seq)
    publishable = kind == DecisionKind.PENALTY and decision_publishable(frozenset(data.penalty_kinds))
    serve_by = service_deadline(decided_on)
    decision = Decision(
        id=new_id(), case_id=case.id, decision_number=number, department=case.department, uscc=case.uscc,
        party_name=case.party_name, party_kind=case.party_kind, violation_type=violation_type,
        decision_kind=kind.value, penalty_kinds=[k.value for k in data.penalty_kinds],
        fine_amount=data.fine_amount, confiscation_amount=data.confiscation_amount,
        severity=data.severity or SEVERITY_OF_BAND[Band(band or rec.band)], lifelong_ban=data.lifelong_ban,
        legal_basis=data.legal_basis, matter_code=case.matter_code, decided_on=decided_on,
        decision_due=clock.deadline.due, publishable=publishable,
        summary=_summary(case, data), full_text=_full_text(number, case, data, rec, decided_on),
        discretion={**{k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(rec).items()},
                    "first_offence": first, "applied_band": str(band or rec.band), "review_reasons": review_reasons,
                    "band_departure_reason": departure},
        education_given=data.education_given, service_due=serve_by.due, service_due_provisional=serve_by.provisional,
        status="issued", issued_by=principal.client_id or "", created_at=now(),
        replaces_id=replaces.id if replaces else None,
    )
    # Staged, not flushed one by one: the decision, the case's changes and the record line are
    # written together when the record line is appended.
    decisions = DecisionRepository(session)
    decisions.stage(decision)
    case.outcome = kind.value
    await move(repo, case, principal, A.DECIDE, facts=facts, decision=decision, details={
        "decision_id": decision.id, "decision_number": number, "decision_kind": kind.value,
        "fine_amount": str(data.fine_amount), "band": str(band or rec.band), "education_given": data.education_given})
    if kind == DecisionKind.PENALTY:
        decisions.stage(PriorPenalty(
            id=new_id(), uscc=case.uscc, decision_ref=number, department=case.department, decided_on=decided_on,
            source="own", revoked=False))
    await add_event(session, DecisionIssued(
        decision_id=decision.id, decision_number=number, case_id=case.id, uscc=case.uscc, party_name=case.party_name,
        party_kind=PartyKind(party_kind_for(case.uscc, None)),
        violation_type=violation_type, violation_name=rec.violation_name, decision_kind=kind.value,
        penalty_kinds=decision.penalty_kinds,
        fine_amount=data.fine_amount, confiscation_amount=data.confiscation_amount, severity=decision.severity,
        lifelong_ban=data.lifelong_ban, legal_basis=data.legal_basis, department=case.department,
        matter_code=case.matter_code, decided_on=decided_on, publishable=publishable, summary=decision.summary,
        replaces=replaces.decision_number if replaces else None,
    ), subject=decision.id)  # not the full text: no consumer needs it, and it names the party whole
    return decision


# ---------------------------------------------------------------------------- after the decision


async def _for_officer(session: AsyncSession, principal: Principal, decision_id: str) -> tuple[Decision, Case, CaseRepository]:
    decision = await DecisionRepository(session).get(decision_id, for_update=True)
    if decision is None:
        raise NotFound(f"no decision {decision_id}")
    repo = CaseRepository(session)
    case = await load(repo, decision.case_id, for_update=True)
    require_case_officer(principal, case.department)
    return decision, case, repo


async def serve(session: AsyncSession, principal: Principal, decision_id: str, data: Serve) -> Decision:
    """APL arts. 61, 85: served within 7 working days; money owed starts the 15-day payment period."""
    decision, case, repo = await _for_officer(session, principal, decision_id)
    served_on = action_date(data.served_on, "body.served_on", not_before=decision.decided_on)
    decision.served_on = served_on
    await move(repo, case, principal, A.SERVE, decision=decision, details={
        "served_on": served_on.isoformat(), "late": served_on > decision.service_due})
    if decision.fine_amount > 0 or decision.confiscation_amount > 0:
        decision.payment_due = payment_deadline(served_on).due
        await move(repo, case, principal, A.START_EXECUTION, decision=decision,
                   details={"payment_due": decision.payment_due.isoformat()})
    return decision


async def pay(session: AsyncSession, principal: Principal, decision_id: str, data: Payment) -> Decision:
    """APL art. 72(1)(1): 3% of the fine a day after the due day, at most the fine."""
    decision, case, repo = await _for_officer(session, principal, decision_id)
    if case.state != CaseState.EXECUTION or decision.paid_on is not None:
        raise Conflict("nothing is owed on this decision now", current_state=case.state,
                       allowed=sorted(a.value for a in check_allowed(case)))
    paid_on = action_date(data.paid_on, "body.paid_on", not_before=decision.served_on)
    fee = late_fee(decision.fine_amount, decision.payment_due, paid_on)
    owed = decision.fine_amount + decision.confiscation_amount + fee.amount
    if data.amount != owed:
        raise Unprocessable("amount: the fine, confiscation and late fee come to " + str(owed), errors=[{
            "field": "body.amount", "rule": "amount_owed",
            "message": f"owed {owed} (fine {decision.fine_amount}, confiscation {decision.confiscation_amount}, "
                       f"late fee {fee.amount} for {fee.days_late} days)"}])
    decision.paid_on, decision.paid_amount, decision.late_fee = paid_on, data.amount, fee.amount
    await record(repo, case, principal, "payment_recorded", details={
        "decision_id": decision.id, "paid_on": paid_on.isoformat(), "amount": str(data.amount),
        "late_fee": str(fee.amount), "days_late": fee.days_late, "capped": fee.capped})
    case.clock, case.clock_due = None, None
    return decision


def check_allowed(case: Case) -> set[CaseAction]:
    return allowed_transitions(case.state)


async def close(session: AsyncSession, principal: Principal, case_id: str, data: Step) -> Case:
    repo = CaseRepository(session)
    case = await load(repo, case_id, for_update=True)
    require_case_officer(principal, case.department)
    decisions = await DecisionRepository(session).of_case(case.id)
    decision = decisions[-1] if decisions else None
    if case.state == CaseState.EXECUTION and decision is not None and decision.paid_on is None:
        raise Conflict("the fine is not paid yet: record the payment (or enforcement) first",
                       current_state=case.state, allowed=["pay"])
    closed_on = action_date(data.on, "body.on", not_before=decision.served_on if decision else None)
    await move(repo, case, principal, A.CLOSE, decision=decision, details={"note": data.note})
    case.closed_on = closed_on
    await add_event(session, CaseClosed(
        case_id=case.id, department=case.department, filed_on=case.filed_on, closed_on=closed_on,
        due_on=decision.decision_due if decision else None, outcome=case.outcome or "closed"), subject=case.id)
    return case


async def _withdraw(session: AsyncSession, principal: Principal, decision: Decision, case: Case, repo: CaseRepository,
                    *, kind: RevocationKind, reason: str, on: date, action: CaseAction) -> date:
    """The decision stops counting: its publication is withdrawn within 3 working days."""
    withdrawal = withdrawal_deadline(on)
    withdraw_by = withdrawal.due
    await move(repo, case, principal, action, decision=decision, details={
        "decision_id": decision.id, "kind": kind.value, "reason": reason, "withdraw_by": withdraw_by.isoformat()})
    decision.status, decision.revoked_on, decision.revoke_reason = kind.value, on, reason
    decision.withdrawal_due, decision.withdrawal_due_provisional = withdraw_by, withdrawal.provisional
    if decision.uscc:
        await DecisionRepository(session).mark_prior_revoked(decision.uscc, decision.decision_number)
    return withdraw_by


def _revoked_event(decision: Decision, withdraw_by: date, replaced_by: str | None = None) -> DecisionRevoked:
    return DecisionRevoked(
        decision_id=decision.id, decision_number=decision.decision_number, uscc=decision.uscc or "",
        department=decision.department, kind=RevocationKind(decision.status), reason=decision.revoke_reason or "",
        revoked_on=decision.revoked_on, withdraw_by=withdraw_by, replaced_by=replaced_by)


async def _issued_decision(session: AsyncSession, principal: Principal, decision_id: str) -> tuple[Decision, Case, CaseRepository]:
    decision, case, repo = await _for_officer(session, principal, decision_id)
    if decision.status != "issued":
        raise Conflict(f"the decision is already {decision.status}", current_state=case.state, allowed=[])
    return decision, case, repo


async def revoke(session: AsyncSession, principal: Principal, decision_id: str, data: Revoke) -> Decision:
    decision, case, repo = await _issued_decision(session, principal, decision_id)
    on = action_date(data.on, "body.on", not_before=decision.decided_on)
    withdraw_by = await _withdraw(session, principal, decision, case, repo, kind=data.kind, reason=data.reason, on=on,
                                  action=A.REVOKE)
    await add_event(session, _revoked_event(decision, withdraw_by), subject=decision.id)
    return decision


async def change(session: AsyncSession, principal: Principal, decision_id: str, data: DecisionChange) -> Decision:
    """A changed decision is published as its new version: the old one is withdrawn within 3 working
    days, the new one goes through every gate of a decision, and each names the other."""
    old, case, repo = await _issued_decision(session, principal, decision_id)
    on = action_date(data.decided_on, "body.decided_on", not_before=old.decided_on)
    withdraw_by = await _withdraw(session, principal, old, case, repo, kind=RevocationKind.CHANGED,
                                  reason=data.change_reason, on=on, action=A.CHANGE_DECISION)
    body = DecisionCreate.model_validate(data.model_dump(exclude={"change_reason"}) | {
        "case_id": case.id, "decided_on": on})
    new = await issue(session, principal, body, replaces=old)
    old.replaced_by_id = new.id
    await add_event(session, _revoked_event(old, withdraw_by, replaced_by=new.decision_number), subject=old.id)
    return new


# ---------------------------------------------------------------------------- reads and the read model


async def get_decision(session: AsyncSession, principal: Principal, decision_id: str) -> Decision:
    decision = await DecisionRepository(session).get(decision_id)
    if decision is None:
        raise NotFound(f"no decision {decision_id}")
    require_reader(principal, decision.department)
    return decision


async def list_decisions(session: AsyncSession, principal: Principal, uscc: str | None, after_id: str | None,
                         limit: int) -> list[Decision]:
    department = readable_department_filter(principal)
    return await DecisionRepository(session).list(department=department, uscc=uscc, after_id=after_id, limit=limit)


async def note_penalty_elsewhere(session: AsyncSession, *, uscc: str, decision_ref: str, department: str,
                                 decided_on: date) -> None:
    """A penalty credit recorded (ours come back this way too; the reference dedups them)."""
    repo = DecisionRepository(session)
    if await repo.prior_penalty(uscc, decision_ref) is not None:
        return
    await repo.add(PriorPenalty(id=new_id(), uscc=uscc, decision_ref=decision_ref, department=department,
                                decided_on=decided_on, source="credit", revoked=False))


async def note_penalty_withdrawn(session: AsyncSession, *, uscc: str, decision_ref: str, department: str,
                                 withdrawn_on: date) -> None:
    """A penalty credit found wrong (objection upheld) no longer makes a later violation a repeat one.
    When the withdrawal overtakes the record, a revoked row stands in for it, so the record that
    follows is recognised by its reference and stays out of the count."""
    repo = DecisionRepository(session)
    if await repo.prior_penalty(uscc, decision_ref) is not None:
        await repo.mark_prior_revoked(uscc, decision_ref)
        return
    await repo.add(PriorPenalty(id=new_id(), uscc=uscc, decision_ref=decision_ref, department=department,
                                decided_on=withdrawn_on, source="credit", revoked=True))
