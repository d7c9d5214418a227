"""Routes: leads and cases (the list follows the statutory clocks), a case's evidence, and its
whole-process record, paged or exported as one document in JSON, plain text or HTML."""

from __future__ import annotations

import html
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from services.casework.cases import service as cases
from services.casework.cases.schemas import (
    CaseOut,
    CasePage,
    CasePatch,
    EvidenceOut,
    FactClearing,
    HistoryEntry,
    HistoryPage,
    LeadCreate,
)
from services.casework.deps import CaseId, after_id, case_out, next_cursor, soon_days
from services.casework.models import Case
from services.casework.rules.workflow import CaseState
from shared.app import problem_responses
from shared.paging import decode_cursor, encode_cursor, etag_for
from shared.web import (
    DEFAULT_LIMIT,
    Cursor,
    PageSize,
    PrincipalDep,
    SessionDep,
    SnapshotSessionDep,
)

router = APIRouter()
READ = problem_responses(403, 404, 422)
WRITE = problem_responses(403, 404, 409, 422)


def case_etag(case: Case) -> str:
    return etag_for(f"case:{case.id}:{case.revision}".encode())


@router.post("/cases", status_code=201, tags=["cases"], summary="Record a lead",
             description="A case officer records a lead found by hand. Leads also arrive from inspection results, "
                         "accepted complaints, transfers and risk alerts, each linked to its source. The "
                         "15-working-day filing clock starts.",
             responses=problem_responses(403, 422))
async def create_lead(body: LeadCreate, session: SessionDep, principal: PrincipalDep, request: Request) -> CaseOut:
    case = await cases.create_lead(session, principal, body)
    await session.commit()
    return case_out(case, soon_days(request))


@router.get("/cases", tags=["cases", "clocks"], summary="List the department's cases",
            description="Cases of the caller's department (auditors: all). `clock=overdue` lists cases whose "
                        "running statutory clock (filing, decision, service, payment) is past its last day; "
                        "`clock=due_soon` those within the configured days of it.",
            responses=problem_responses(403, 422))
async def list_cases(session: SnapshotSessionDep, principal: PrincipalDep, request: Request,
                     clock: Annotated[Literal["overdue", "due_soon"] | None, Query(description="Filter by clock")] = None,
                     state: Annotated[CaseState | None, Query(description="Filter by state")] = None,
                     limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> CasePage:
    soon = soon_days(request)
    items = await cases.list_cases(session, principal, clock=clock, state=state.value if state else None,
                                            after_id=after_id(cursor), limit=limit, soon_days=soon)
    return CasePage(items=[case_out(c, soon) for c in items], next_cursor=next_cursor(items, limit))


@router.get("/cases/{case_id}", tags=["cases"], summary="Read a case",
            description="The case, the actions its state allows and its running clock. Readable by the "
                        "handling department and auditors; another department gets 403.", responses=READ)
async def get_case(case_id: CaseId, session: SnapshotSessionDep, principal: PrincipalDep, request: Request,
                   response: Response) -> CaseOut:
    case = await cases.get_case(session, principal, case_id)
    response.headers["ETag"] = case_etag(case)
    return case_out(case, soon_days(request))


@router.patch("/cases/{case_id}", tags=["cases"], summary="Update the facts of a case",
              description="E.g. set `suspected_crime` (then only a transfer to judicial organs may follow), "
                          "`major_public_interest` or `complex_case` (then a legal review is required). Setting "
                          "one of these back to false is refused (403, rule `one_way_gate`): see `clear_fact`. "
                          "A case transferred to judicial organs, or ended, is not changed (409).",
              responses=WRITE)
async def update_case(case_id: CaseId, body: CasePatch, session: SessionDep, principal: PrincipalDep,
                      request: Request) -> CaseOut:
    case = await cases.patch_case(session, principal, case_id, body)
    await session.commit()
    return case_out(case, soon_days(request))


@router.post("/cases/{case_id}/clear_fact", tags=["cases"], summary="Clear a fact that restrains the officer",
             description="`major_public_interest`, `complex_case`, `had_hearing` (each requires a legal review, APL "
                         "art. 58) and `suspected_crime` (APL art. 27) are set by the case officer but cleared only "
                         "here, by the department's `legal_reviewer` or `head` who did not act on the case, with a "
                         "reason written to the whole-process record. A review already rejected still needs a new "
                         "one. A fact not set is a 409.", responses=WRITE)
async def clear_fact(case_id: CaseId, body: FactClearing, session: SessionDep, principal: PrincipalDep,
                     request: Request) -> CaseOut:
    case = await cases.clear_fact(session, principal, case_id, body)
    await session.commit()
    return case_out(case, soon_days(request))


@router.get("/cases/{case_id}/evidence", tags=["cases"], summary="List the evidence of a case",
            responses=READ)
async def list_evidence(case_id: CaseId, session: SnapshotSessionDep, principal: PrincipalDep) -> list[EvidenceOut]:
    items = await cases.list_evidence(session, principal, case_id)
    return [EvidenceOut.model_validate(e, from_attributes=True) for e in items]


# ---------------------------------------------------------------------------- the whole-process record


@router.get("/cases/{case_id}/history", tags=["record"], summary="Page through the whole-process record",
            description="Every action on the case: who (client, department, roles), when, what, attachment "
                        "hashes. Append-only.", responses=READ)
async def case_history(case_id: CaseId, session: SnapshotSessionDep, principal: PrincipalDep,
                       limit: PageSize = DEFAULT_LIMIT, cursor: Cursor = None) -> HistoryPage:
    position = decode_cursor(cursor) or {}
    seq = position.get("seq")
    rows = await cases.history(session, principal, case_id, seq if isinstance(seq, int) else None, limit)
    items = [HistoryEntry.model_validate(r, from_attributes=True) for r in rows]
    return HistoryPage(items=items, next_cursor=encode_cursor({"seq": rows[-1].seq}) if len(rows) == limit else None)


@router.get("/cases/{case_id}/record", tags=["record"], summary="Export the whole-process record",
            description="One document per case: the case, its source (never the reporter), evidence with "
                        "hashes, legal reviews, decisions and the full history. `format=json` (default), "
                        "`text` or `html`.",
            responses={**READ, 200: {"content": {"application/json": {}, "text/plain": {}, "text/html": {}},
                                     "description": "The record"}})
async def case_record(case_id: CaseId, session: SnapshotSessionDep, principal: PrincipalDep,
                      format: Literal["json", "text", "html"] = "json") -> Response:
    doc = await cases.case_record(session, principal, case_id)
    if format == "text":
        return PlainTextResponse(as_text(doc))
    if format == "html":
        return HTMLResponse(as_html(doc))
    return JSONResponse(doc)


def _line(h: dict[str, Any]) -> str:
    who = f"{h['actor_client_id'] or h['actor_kind']} ({h['actor_department'] or '-'}; {', '.join(h['actor_roles'])})"
    move = f" {h['from_state'] or ''}->{h['to_state']}" if h["to_state"] else ""
    hashes = f" attachments sha256: {', '.join(h['attachment_hashes'])}" if h["attachment_hashes"] else ""
    details = "; ".join(f"{k}={v}" for k, v in h["details"].items() if v not in (None, "", [], {}))
    return f"{h['seq']:>5} {h['at']} {who} {h['action']}{move}{' — ' + details if details else ''}{hashes}"


def as_text(doc: dict[str, Any]) -> str:
    c = doc["case"]
    lines = [f"Case {c['id']} — whole-process record", f"Department: {c['department']}  Matter: {c['matter_code']}",
             f"Party: {c['party_name']} ({c['uscc']})  State: {c['state']}  Outcome: {c['outcome']}",
             f"Source: {doc['source']['kind']} {doc['source']['ref'] or ''}", "", "Evidence:"]
    lines += [f"  {e['evidence_type']}: {e['title']} sha256={e['sha256']} ({e['collected_on']})" for e in doc["evidence"]]
    lines += ["", "Decisions:"]
    lines += [f"  {d['decision_number']} {d['decision_kind']} fine {d['fine_amount']} {d['status']}"
              for d in doc["decisions"]]
    lines += ["", "History:"] + [_line(h) for h in doc["history"]]
    lines += ["", f"Exported {doc['exported_at']} by {doc['exported_by']}"]
    return "\n".join(lines) + "\n"


def as_html(doc: dict[str, Any]) -> str:
    e = html.escape
    c = doc["case"]
    rows = "".join(
        f"<tr><td>{h['seq']}</td><td>{e(h['at'])}</td><td>{e(str(h['actor_client_id'] or h['actor_kind']))}</td>"
        f"<td>{e(str(h['actor_department'] or ''))}</td><td>{e(', '.join(h['actor_roles']))}</td>"
        f"<td>{e(h['action'])}</td><td>{e(str(h['from_state'] or ''))}</td><td>{e(str(h['to_state'] or ''))}</td>"
        f"<td>{e(str(h['details']))}</td><td>{e(', '.join(h['attachment_hashes']))}</td></tr>"
        for h in doc["history"])
    evidence = "".join(f"<li>{e(x['evidence_type'])}: {e(x['title'])} <code>{e(x['sha256'])}</code></li>"
                       for x in doc["evidence"])
    decisions = "".join(f"<li>{e(d['decision_number'])} {e(d['decision_kind'])} {e(str(d['status']))}</li>"
                        for d in doc["decisions"])
    return (
        "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\">"
        f"<title>Case {e(c['id'])}</title></head><body>"
        f"<h1>Case {e(c['id'])}</h1><p>{e(c['party_name'])} ({e(str(c['uscc']))}) — {e(c['department'])}, "
        f"state {e(c['state'])}</p><h2>Evidence</h2><ul>{evidence}</ul><h2>Decisions</h2><ul>{decisions}</ul>"
        "<h2>History</h2><table><thead><tr><th>#</th><th>when</th><th>who</th><th>department</th><th>roles</th>"
        "<th>action</th><th>from</th><th>to</th><th>details</th><th>attachments</th></tr></thead>"
        f"<tbody>{rows}</tbody></table><p>Exported {e(doc['exported_at'])}</p></body></html>"
    )
