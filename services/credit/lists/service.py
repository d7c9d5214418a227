"""Credit lists: entry and exit by the statutory grounds, and the 3-year sweeps."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.credit.grading.service import regrade, subject_facts
from services.credit.lists.repository import ListRepository
from services.credit.lists.schemas import ListEntryCreate, ListExitRequest
from services.credit.models import ListEntry, catalogue
from services.credit.records.repository import RecordRepository
from services.credit.records.service import write_record
from services.credit.rules import facts as F
from services.credit.rules.authority import (
    LIST_ENTRY_AUTHORITY,
    SWEEP_ONLY_GROUNDS,
    backdated_without_act,
)
from services.credit.rules.lists import (
    ABNORMAL_ENTRY_GROUNDS,
    ABNORMAL_ESCALATION_YEARS,
    SERIOUS_DISHONESTY_ENTRY_GROUNDS,
    SERIOUS_LIST_MAX_YEARS,
    abnormal_escalation_due,
    abnormal_exit_allowed,
    red_list_eligible,
    serious_dishonesty_entry_grounds,
    serious_dishonesty_exit,
)
from services.credit.subjects.repository import SubjectRepository
from services.credit.subjects.service import (
    normalise_uscc,
    require_role,
    subject_or_404,
)
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.catalogue.model import CatalogueVersion
from shared.catalogue.readmodel import require_function, require_jurisdiction
from shared.clock import shanghai_today
from shared.contracts.credit import ListEntered, ListExited
from shared.errors import Conflict, Forbidden, InvalidState, NotFound, Unprocessable
from shared.ids import new_id
from shared.paging import decode_cursor, encode_cursor

LIST_ROLES = ("credit_officer",)
ENTRY_RECORD = {F.ABNORMAL: F.ABNORMAL_ENTRY, F.SERIOUS_DISHONESTY: F.SERIOUS_ENTRY}
EXIT_RECORD = {F.ABNORMAL: F.ABNORMAL_EXIT, F.SERIOUS_DISHONESTY: F.SERIOUS_EXIT}
RED_LIST_BASIS = "Guofa [2016] No. 33 (joint incentives for trustworthiness) sec. 2"


def _grounds(list_kind: str, reasons: list[str]) -> tuple[str, str]:
    """(reason text, basis) for the cited grounds, or a 422 naming what is not a statutory ground."""
    if list_kind == F.ABNORMAL:
        if len(reasons) != 1 or reasons[0] not in ABNORMAL_ENTRY_GROUNDS:
            raise Unprocessable.field("body.reasons", "list.ground",
                                      f"the abnormal operations list needs exactly one ground of "
                                      f"{sorted(ABNORMAL_ENTRY_GROUNDS)}")
        g = ABNORMAL_ENTRY_GROUNDS[reasons[0]]
        return g.description, g.basis
    if list_kind == F.SERIOUS_DISHONESTY:
        if not reasons:
            raise Unprocessable.field("body.reasons", "list.ground",
                                      f"name at least one ground of {sorted(SERIOUS_DISHONESTY_ENTRY_GROUNDS)}")
        try:
            grounds = serious_dishonesty_entry_grounds(reasons)
        except ValueError as exc:
            raise Unprocessable.field("body.reasons", "list.ground", str(exc)) from None
        return "; ".join(g.description for g in grounds), "; ".join(g.basis for g in grounds)
    if reasons:
        raise Unprocessable.field("body.reasons", "list.ground", "the red list takes no grounds: eligibility is checked")
    return "good credit: clean record and good conduct", RED_LIST_BASIS


async def enter_list(session: AsyncSession, *, uscc: str, list_kind: str, reasons: list[str], department: str,
                     entered_on: date, source_ref: str | None = None, detail: str = "",
                     subject_name: str | None = None, catalogue_version: str | None = None) -> ListEntry:
    """Put a subject on a list (one open entry per list), record it, emit `list.entered`, regrade."""
    reason_text, basis = _grounds(list_kind, reasons)
    lists = ListRepository(session)
    open_entries = await lists.open_entries(uscc, list_kind)
    if open_entries:
        raise Conflict(f"{uscc} is already on the {list_kind} list (entry {open_entries[0].id})",
                       entry_id=open_entries[0].id)
    if list_kind == F.RED:
        facts, members = await subject_facts(session, uscc)
        eligible, why, version = red_list_eligible(facts, members, entered_on)
        if not eligible:
            raise Conflict(f"not eligible for the red list under {version}: {'; '.join(why)}", reasons=why,
                           criteria_version=version)
    if subject_name is None:
        subject = await SubjectRepository(session).get(uscc)
        subject_name = subject.name if subject else ""
    entry = ListEntry(id=new_id(), uscc=uscc, list_kind=list_kind, reason=",".join(reasons) or "eligible",
                      reason_text=reason_text + (f" ({detail})" if detail else ""), basis=basis,
                      department=department, entered_on=entered_on, source_ref=source_ref,
                      catalogue_version=catalogue_version, created_at=datetime.now(UTC))
    await lists.add(entry)
    if list_kind in ENTRY_RECORD:
        await write_record(session, uscc=uscc, kind=ENTRY_RECORD[list_kind], department=department,
                           decision_date=entered_on, legal_basis=basis, summary=entry.reason_text,
                           source_ref=source_ref or entry.id, subject_name=subject_name, regrade_now=False)
    await add_event(session, ListEntered(entry_id=entry.id, uscc=uscc, subject_name=subject_name, list_kind=list_kind,
                                         reason=entry.reason_text, basis=basis, department=department,
                                         entered_on=entered_on), subject=uscc)
    await regrade(session, uscc)
    return entry


async def exit_entry(session: AsyncSession, entry: ListEntry, *, exited_on: date, reason: str,
                     regrade_now: bool = True) -> ListEntry:
    if entry.exited_on is not None:
        raise InvalidState(f"entry {entry.id} was already exited on {entry.exited_on}", current_state="exited",
                           allowed=["open"])
    if exited_on < entry.entered_on:
        raise Unprocessable.field("body.exited_on", "date.order", f"cannot exit before the entry of {entry.entered_on}")
    entry.exited_on, entry.exit_reason = exited_on, reason
    subject = await SubjectRepository(session).get(entry.uscc)
    name = subject.name if subject else ""
    if entry.list_kind in EXIT_RECORD:
        await write_record(session, uscc=entry.uscc, kind=EXIT_RECORD[entry.list_kind], department=entry.department,
                           decision_date=exited_on, legal_basis=entry.basis, summary=reason,
                           source_ref=entry.source_ref or entry.id, subject_name=name, regrade_now=False)
    await add_event(session, ListExited(entry_id=entry.id, uscc=entry.uscc, subject_name=name,
                                        list_kind=entry.list_kind, reason=reason, department=entry.department,
                                        exited_on=exited_on), subject=entry.uscc)
    if regrade_now:
        await session.flush()
        await regrade(session, entry.uscc)
    return entry


def _day(value: date | None, field: str) -> date:
    today = shanghai_today()
    if value is None:
        return today
    if value > today:
        raise Unprocessable.field(field, "date.not_future", "cannot be later than today")
    return value


async def _cited_decision(session: AsyncSession, v: CatalogueVersion, department: str, uscc: str,
                          source_ref: str | None) -> None:
    """A serious-dishonesty entry cites a penalty decision on file for the subject, on the entering
    department's own matter (rules/authority.py LIST_ENTRY_AUTHORITY)."""
    if not source_ref:
        raise Unprocessable.field("body.source_ref", "list.serious.decision_required",
                                  "cite the penalty decision (its number) that establishes the ground")
    decisions = [d for d in await RecordRepository(session).by_source(source_ref, F.PENALTY)
                 if d.uscc == uscc and d.status != "revoked"]
    if not decisions:
        raise Unprocessable.field("body.source_ref", "list.serious.decision_unknown",
                                  f"no penalty decision {source_ref} is on file for {uscc}")
    own = [d for d in decisions if d.department == department
           and (d.matter_code is None or v.authority(department, d.matter_code, d.decision_date) is not None)]
    if not own:
        raise Forbidden(f"decision {source_ref} is {decisions[0].department}'s, on its matter "
                        f"{decisions[0].matter_code}: only that department may list on it",
                        rule="list.serious.decision_not_own", decision_department=decisions[0].department)


async def api_enter(session: AsyncSession, principal: Principal, list_kind: str, data: ListEntryCreate) -> ListEntry:
    require_role(principal, *LIST_ROLES)
    subject = await subject_or_404(session, data.uscc, field="body.uscc")
    entered_on = _day(data.entered_on, "body.entered_on")
    _grounds(list_kind, data.reasons)  # no list without law: the grounds first
    if sweep_only := SWEEP_ONLY_GROUNDS.intersection(data.reasons):
        raise Unprocessable.field("body.reasons", "list.ground.sweep_only",
                                  f"{sorted(sweep_only)}: only the statutory sweep enters on this ground")
    v = await catalogue.in_force(session, entered_on)
    who = LIST_ENTRY_AUTHORITY[list_kind]
    if who.function is not None:
        department = require_function(v, principal, who.function, district=subject.district,
                                      rule=f"list.{list_kind}.{who.function}_only",
                                      what=f"the {list_kind} list is entered by {who.basis}")
    else:
        department = principal.department or ""
        require_jurisdiction(v, department, subject.district)
        await _cited_decision(session, v, department, subject.uscc, data.source_ref)
    if why := backdated_without_act(entered_on, shanghai_today(), data.source_ref, data.source_date):
        raise Unprocessable.field("body.entered_on", "list.entry_backdated", why)
    return await enter_list(session, uscc=subject.uscc, list_kind=list_kind, reasons=data.reasons,
                            department=department, entered_on=entered_on, source_ref=data.source_ref,
                            detail=data.detail, subject_name=subject.name, catalogue_version=v.version)


async def get_entry(session: AsyncSession, entry_id: str) -> ListEntry:
    entry = await ListRepository(session).get(entry_id)
    if entry is None:
        raise NotFound(f"no list entry {entry_id}")
    return entry


async def api_exit(session: AsyncSession, principal: Principal, entry_id: str, data: ListExitRequest) -> ListEntry:
    require_role(principal, *LIST_ROLES)
    entry = await get_entry(session, entry_id)
    # The entering department answers for the entry; nobody else ends it (the sweep ends it by law).
    if principal.department != entry.department:
        raise Forbidden(f"entry {entry.id} was made by {entry.department}: only it may take the subject off the "
                        f"list (or the statutory sweep)", rule="list.exit.entering_department_only")
    exited_on = _day(data.exited_on, "body.exited_on")
    if entry.exited_on is None:
        if entry.list_kind == F.ABNORMAL:
            ground = entry.reason.split(",")[0]
            ok, why = abnormal_exit_allowed(ground, data.corrected)
            if not ok:
                raise Conflict(f"cannot leave the abnormal operations list: {why}", reasons=[why])
        elif entry.list_kind == F.SERIOUS_DISHONESTY:
            ok, why = serious_dishonesty_exit(entry.entered_on, exited_on, data.obligations_performed,
                                              data.new_violation)
            if not ok:
                raise Conflict(f"cannot leave the serious dishonesty list yet: {'; '.join(why)}", reasons=why)
            data.reason = data.reason or "; ".join(why)
    return await exit_entry(session, entry, exited_on=exited_on, reason=data.reason or "exit")


async def members(session: AsyncSession, list_kind: str, *, include_exited: bool, uscc: str | None,
                  cursor: str | None, limit: int) -> tuple[list[ListEntry], str | None]:
    position = decode_cursor(cursor) or {}
    code = normalise_uscc(uscc) if uscc else None
    items = await ListRepository(session).members(list_kind, include_exited=include_exited, uscc=code,
                                                  after=position.get("e"), limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return items, (encode_cursor({"e": items[-1].id}) if more else None)


async def sweep_lists(session: AsyncSession, as_of: date | None = None, limit: int = 500) -> tuple[list[str], list[str]]:
    """Escalate abnormal entries 3 years uncorrected to the serious illegal and dishonest list, and remove
    serious-dishonesty entries after their 3 years. Returns (escalated entry ids, removed entry ids)."""
    as_of = as_of or shanghai_today()
    lists = ListRepository(session)
    escalated: list[str] = []
    for entry in await lists.open_entered_on_or_before(F.ABNORMAL, F.add_years(as_of, -ABNORMAL_ESCALATION_YEARS),
                                                       limit):
        if not abnormal_escalation_due(entry.entered_on, as_of, entry.exited_on):
            continue
        serious = await lists.open_entries(entry.uscc, F.SERIOUS_DISHONESTY)
        if serious:
            entry.escalated_to = serious[0].id
        else:
            new = await enter_list(session, uscc=entry.uscc, list_kind=F.SERIOUS_DISHONESTY,
                                   reasons=["escalated_from_abnormal"], department=entry.department,
                                   entered_on=as_of, source_ref=entry.id,
                                   detail=f"on the abnormal operations list since {entry.entered_on} uncorrected")
            entry.escalated_to = new.id
        escalated.append(entry.id)
    removed: list[str] = []
    for entry in await lists.open_entered_on_or_before(F.SERIOUS_DISHONESTY,
                                                       F.add_years(as_of, -SERIOUS_LIST_MAX_YEARS), limit):
        done, why = serious_dishonesty_exit(entry.entered_on, as_of, obligations_performed=False)
        if done:
            await exit_entry(session, entry, exited_on=as_of, reason="; ".join(why))
            removed.append(entry.id)
    await session.flush()
    return escalated, removed
