"""Open311 GeoReport v2 over the complaint intake: the same routing, 7-working-day answer and
reporter's secrecy, in the standard's words. The complaints sub-domain does the work; this maps
its complaints and their cases to GeoReport services and requests.

What the public reads of a request is fixed wording, dates and the department's name: never the
sender, nor the description, address, position or media the reporter gave (any of them can tell
who sent a tip-off, and they name a business no finding has touched yet).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.casework.cases.service import today
from services.casework.complaints import service as complaints
from services.casework.complaints.schemas import ComplaintCreate
from services.casework.models import Case, Complaint, catalogue
from services.casework.open311.schemas import (
    Attribute,
    AttributeValue,
    RequestCreated,
    RequestFilter,
    RequestForm,
    Service,
    ServiceDefinition,
    ServiceRequest,
    TokenAnswer,
)
from services.casework.rules.complaints import COMPLAINT_ACCEPTANCE_WORKING_DAYS
from services.casework.rules.routing import ROUTING_TABLES, routing_table
from services.casework.rules.workflow import CaseState
from shared.auth import Principal
from shared.catalogue.model import CatalogueVersion
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

# The one jurisdiction this endpoint serves: Shanghai, by its administrative division code.
JURISDICTION_ID = "310000"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# GeoReport v2: a request list spans at most 90 days, the last 90 when no dates are given.
WINDOW = timedelta(days=90)
MAX_IDS = 100
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 200, 1000
_ID = re.compile(r"[0-9a-fA-F-]{1,36}\Z")

# The form fields of POST requests that become the complaint (the rest are standard but not kept).
COMPLAINT_FIELDS = ("service_code", "description", "address_string", "lat", "long", "media_url",
                    "first_name", "last_name", "phone", "email")
# Standard fields accepted and not kept: the platform keeps of a reporter only what reaches the
# handling department (name, phone, e-mail); the client's own device and account ids stay with it.
NOT_KEPT = ("device_id", "account_id", "jurisdiction_id")

# The attributes of every service (metadata: true): what the native intake asks besides the
# GeoReport fields, each the ComplaintCreate field of the same name.
ATTRIBUTES = (
    Attribute(code="request_kind", datatype="singlevaluelist", required=False, order=1,
              datatype_description="complaint or tip_off; tip_off when not given",
              description="投诉 complaint: a dispute over your own rights as a consumer; "
                          "举报 tip-off: a violation you report",
              values=[AttributeValue(key="complaint", name="投诉 Complaint"),
                      AttributeValue(key="tip_off", name="举报 Tip-off")]),
    Attribute(code="business_name", datatype="string", required=False, order=2,
              datatype_description="up to 200 characters", description="The business concerned, if known"),
    Attribute(code="business_uscc", datatype="string", required=False, order=3,
              datatype_description="18-character unified social credit code (GB 32100-2015)",
              description="The business's unified social credit code, if known"),
)
ATTRIBUTE_CODES = frozenset(a.code for a in ATTRIBUTES)

# What the public reads of an accepted complaint at each step of its case (every state has one).
CASE_NOTES: dict[CaseState, str] = {
    CaseState.LEAD: "the department is verifying it",
    CaseState.FILING_REVIEW: "the department is deciding whether to open a case",
    CaseState.FILED: "a case was opened",
    CaseState.INVESTIGATION: "the case is under investigation",
    CaseState.PRIOR_NOTICE: "the case is under investigation; the party has been told the intended decision",
    CaseState.HEARING: "the case is at a hearing",
    CaseState.LEGAL_REVIEW: "the intended decision is under legal review",
    CaseState.DECISION_PENDING: "a decision is being taken",
    CaseState.DECIDED: "a decision was taken",
    CaseState.SERVED: "the decision was served",
    CaseState.EXECUTION: "the decision is being enforced",
    CaseState.CLOSED: "the case was closed",
    CaseState.NOT_FILED: "verified; no case was opened",
    CaseState.TRANSFERRED: "handed to the competent department",
    CaseState.TRANSFERRED_JUDICIAL: "handed to the judicial organs",
    CaseState.REVOKED: "the decision was revoked",
}


def check_jurisdiction(jurisdiction_id: str | None) -> None:
    if jurisdiction_id not in (None, "", JURISDICTION_ID):
        raise Unprocessable.field("jurisdiction_id", "known_jurisdiction",
                                  f"this endpoint serves jurisdiction {JURISDICTION_ID} only, not {jurisdiction_id!r}")


def services() -> list[Service]:
    _, listed = complaints.services()
    return [Service(service_code=s.service_code, service_name=s.service_name, description=s.description,
                    metadata=True, type="realtime", keywords=",".join(s.keywords), group=s.group) for s in listed]


def definition(service_code: str) -> ServiceDefinition:
    if service_code not in {s.service_code for s in complaints.services()[1]}:
        raise NotFound(f"no service {service_code!r}")
    return ServiceDefinition(service_code=service_code, attributes=list(ATTRIBUTES))


def _field_of(loc: tuple) -> str:
    if not loc:
        return "address_string"  # the model's own check: where the matter is
    name = str(loc[0])
    return f"attribute[{name}]" if name in ATTRIBUTE_CODES else name


def notice(acceptance_due: date) -> str:
    return (f"The department decides within {COMPLAINT_ACCEPTANCE_WORKING_DAYS} working days whether to "
            f"accept the request: by {acceptance_due.isoformat()}.")


async def submit(session: AsyncSession, principal: Principal, form: RequestForm) -> RequestCreated:
    """POST requests: an intake client (its api_key, exchanged by the gateway) files a complaint or tip-off."""
    if principal.is_public:
        raise Forbidden("api_key: an intake client's credential is required to create a request",
                        rule="open311.api_key_required")
    check_jurisdiction(form.fields.get("jurisdiction_id"))
    unknown = sorted(set(form.fields) - set(COMPLAINT_FIELDS) - set(NOT_KEPT))
    unknown += sorted(f"attribute[{code}]" for code in set(form.attributes) - ATTRIBUTE_CODES)
    if unknown:
        raise Unprocessable(f"{', '.join(unknown)}: not a field of this service",
                            errors=[{"field": f, "rule": "known_field", "message": "not a field of this service"}
                                    for f in unknown])
    values = {k: v for k, v in form.fields.items() if k in COMPLAINT_FIELDS and v != ""}
    values |= {k: v for k, v in form.attributes.items() if v != ""}
    try:
        data = ComplaintCreate.model_validate(values)
    except ValidationError as exc:
        errors = [{"field": _field_of(tuple(e["loc"])), "rule": e["type"], "message": e["msg"]} for e in exc.errors()]
        raise Unprocessable("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors) from None
    complaint = await complaints.submit(session, principal, data)
    return RequestCreated(service_request_id=complaint.id, token=complaint.id,
                          service_notice=notice(complaint.acceptance_due), account_id=form.fields.get("account_id"))


def _w3c(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, SHANGHAI)


def agency_name(v: CatalogueVersion, department: str) -> str:
    """The department's name in the supervision catalogue in force (agency_responsible)."""
    d = v.department(department)
    if d is None:
        raise Conflict(f"department {department} is not in the supervision catalogue {v.version}",
                       rule="catalogue.unknown_department")
    return f"{d.name_zh} {d.name_en}"


def _status(c: Complaint, case: Case | None, v: CatalogueVersion) -> tuple[str, str]:
    if c.status == "received":
        return "open", f"Received; the department answers by {c.acceptance_due.isoformat()}."
    if c.status == "refused":
        return "closed", f"Not accepted by the department on {c.answered_on}."
    if c.status != "accepted":
        raise ValueError(f"complaint {c.id} has status {c.status!r}, which has no Open311 mapping")
    if case is None:
        return "open", f"Accepted on {c.answered_on}."
    state = CaseState(case.state)
    note = CASE_NOTES[state]
    if state is CaseState.TRANSFERRED and case.transferred_to:
        note = f"handed to the competent department, {agency_name(v, case.transferred_to)}"
    return ("closed" if state in complaints.FINISHED_CASE_STATES else "open"), f"Accepted on {c.answered_on}; {note}."


def public_request(c: Complaint, case: Case | None, v: CatalogueVersion) -> ServiceRequest:
    """What anyone may read of a request; `v` the catalogue in force, for the departments' names."""
    status, notes = _status(c, case, v)
    service = routing_table(version=c.routing_version).services[c.service_code]
    moments = [c.created_at if c.created_at.tzinfo else c.created_at.replace(tzinfo=UTC)]
    if c.answered_on is not None:
        moments.append(_start_of(c.answered_on))
    if case is not None:
        moments.append(case.updated_at if case.updated_at.tzinfo else case.updated_at.replace(tzinfo=UTC))
    return ServiceRequest(
        service_request_id=c.id, status=status, status_notes=notes, service_name=service.service_name,
        service_code=c.service_code, agency_responsible=agency_name(v, c.department),
        service_notice=notice(c.acceptance_due), requested_datetime=_w3c(c.created_at),
        updated_datetime=_w3c(max(moments)),
        expected_datetime=(datetime.combine(c.acceptance_due, time(23, 59, 59), SHANGHAI).isoformat()
                           if c.status == "received" else None))


def _request_id(raw: str) -> str:
    if not _ID.match(raw):
        raise NotFound(f"no service request {raw!r}")
    return raw


async def request(session: AsyncSession, service_request_id: str, jurisdiction_id: str | None) -> ServiceRequest:
    check_jurisdiction(jurisdiction_id)
    complaint, case = await complaints.public_one(session, _request_id(service_request_id))
    return public_request(complaint, case, await catalogue.in_force(session, today()))


async def token(session: AsyncSession, token_id: str, jurisdiction_id: str | None) -> TokenAnswer:
    """Requests are created at once, so a token is its request's id; an unknown token is a 404."""
    check_jurisdiction(jurisdiction_id)
    complaint, _ = await complaints.public_one(session, _request_id(token_id))
    return TokenAnswer(service_request_id=complaint.id, token=token_id)


def _moment(raw: str, field: str, *, end: bool) -> datetime:
    """A W3C datetime with its offset, or a date (its start, or its end for end_date, in Shanghai)."""
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return _start_of(day + timedelta(days=1)) - timedelta(microseconds=1) if end else _start_of(day)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise Unprocessable.field(field, "w3c_datetime", f"{raw!r} is not a W3C date or datetime "
                                                          "(e.g. 2026-12-01T00:00:00+08:00)") from None
    if moment.tzinfo is None:
        raise Unprocessable.field(field, "timezone_required", f"{raw!r} has no offset (add Z or +08:00)")
    return moment


def _listed(raw: str | None) -> list[str] | None:
    items = [v.strip() for v in (raw or "").split(",") if v.strip()]
    return items or None


def _number(raw: str | None, field: str, default: int, top: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= top:
        raise Unprocessable.field(field, "range", f"a whole number from 1 to {top}, not {raw!r}")
    return int(raw)


def _query(f: RequestFilter, now: datetime) -> complaints.PublicQuery:
    page_size = _number(f.page_size, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    offset = (_number(f.page, "page", 1, 10**6) - 1) * page_size
    ids = _listed(f.service_request_id)
    if ids is not None:
        # GeoReport v2: service_request_id overrides every other filter.
        if len(ids) > MAX_IDS:
            raise Unprocessable.field("service_request_id", "at_most", f"at most {MAX_IDS} ids at once")
        known = [i for i in ids if _ID.match(i)]
        return complaints.PublicQuery(ids=known, service_codes=None, received_from=now, received_to=now,
                                      finished=None, offset=offset, limit=page_size)
    codes = _listed(f.service_code)
    every_code = {code for table in ROUTING_TABLES for code in table.services}
    if codes is not None and (unknown := sorted(set(codes) - every_code)):
        raise Unprocessable.field("service_code", "known_service_code",
                                  f"unknown service_code {', '.join(unknown)}; known: {', '.join(sorted(every_code))}")
    statuses = set(_listed(f.status) or ())
    if statuses - {"open", "closed"}:
        raise Unprocessable.field("status", "open_or_closed", f"open, closed or both, not {f.status!r}")
    start = _moment(f.start_date, "start_date", end=False) if f.start_date else None
    end = _moment(f.end_date, "end_date", end=True) if f.end_date else None
    start, end = (start or (end - WINDOW if end else now - WINDOW)), (end or (start + WINDOW if start else now))
    if start > end:
        raise Unprocessable.field("start_date", "before_end_date", "start_date is after end_date")
    if end - start > WINDOW:
        raise Unprocessable.field("end_date", "at_most_90_days", "start_date to end_date spans more than 90 days")
    return complaints.PublicQuery(ids=None, service_codes=codes, received_from=start.astimezone(UTC),
                                  received_to=end.astimezone(UTC),
                                  finished=None if len(statuses) != 1 else statuses == {"closed"},
                                  offset=offset, limit=page_size)


async def list_requests(session: AsyncSession, f: RequestFilter, jurisdiction_id: str | None) -> list[ServiceRequest]:
    """GET requests: newest first; by ids, or by service, status and receipt time (the last 90 days)."""
    check_jurisdiction(jurisdiction_id)
    query = _query(f, datetime.now(UTC))
    v = await catalogue.in_force(session, today())
    return [public_request(c, case, v) for c, case in await complaints.public_list(session, query)]
