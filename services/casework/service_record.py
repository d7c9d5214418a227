"""The whole-process record of a case as one document (JSON, plain text or HTML)."""

from __future__ import annotations

import html
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.repository import CaseRepository
from services.casework.repository_complaints import (
    ComplaintRepository,
    DecisionRepository,
)
from services.casework.rules.complaints import withhold_reporter_identity
from services.casework.service_cases import get_case
from services.casework.service_common import now
from shared.auth import Principal


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _row(obj: Any, *fields: str) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


async def case_record(session: AsyncSession, principal: Principal, case_id: str) -> dict[str, Any]:
    case = await get_case(session, principal, case_id)
    repo = CaseRepository(session)
    complaint = await ComplaintRepository(session).by_case(case.id)
    source: dict[str, Any] = {"kind": case.source_kind, "ref": case.source_ref}
    if complaint is not None:
        # The reporter's identity lives in another table and never enters the record.
        source["complaint"] = withhold_reporter_identity(_row(
            complaint, "id", "kind", "service_code", "description", "received_on", "acceptance_due", "answered_on",
            "status", "filing_outcome", "notice_due", "notified_on"))
    return {
        "case": _row(case, "id", "department", "matter_code", "state", "uscc", "party_name", "party_kind",
                     "violation_type", "summary", "received_on", "filing_due", "filed_on", "investigators",
                     "suspected_crime", "had_hearing", "outcome", "closed_on"),
        "source": source,
        "evidence": [_row(e, "id", "evidence_type", "title", "sha256", "collected_on", "collected_by", "added_by")
                     for e in await repo.evidence(case.id)],
        "legal_reviews": [_row(r, "id", "status", "reasons", "reviewer_id", "opinion", "submitted_at", "decided_at")
                          for r in await repo.reviews_of(case.id)],
        "decisions": [_row(d, "id", "decision_number", "decision_kind", "penalty_kinds", "fine_amount",
                           "confiscation_amount", "decided_on", "served_on", "paid_on", "late_fee", "status",
                           "education_given", "full_text")
                      for d in await DecisionRepository(session).of_case(case.id)],
        "history": [_row(h, "seq", "at", "actor_kind", "actor_client_id", "actor_department", "actor_roles",
                         "action", "from_state", "to_state", "details", "attachment_hashes")
                    for h in await repo.history(case.id)],
        "exported_at": now().isoformat(),
        "exported_by": principal.client_id,
    }


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
