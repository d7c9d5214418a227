"""HTTP routes of the casework service (HTTP only: parse, call service.py, commit, shape the answer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from services.casework.models import Case, LegalReview
from services.casework.rules.workflow import allowed_transitions
from services.casework.schemas import CaseOut, ClockOut, ReviewOut
from services.casework.service_clocks import status_of
from services.casework.service_common import today
from shared.paging import decode_cursor, encode_cursor, etag_for

TAGS: list[dict[str, str]] = [
    {"name": "complaints", "description": "Complaints and tip-offs (Open311 GeoReport v2 shaped intake, 12345/12315)"},
    {"name": "cases", "description": "Administrative penalty cases: the state machine from lead to closing"},
    {"name": "clocks", "description": "Statutory clocks: overdue and due-soon cases per department"},
    {"name": "legal reviews", "description": "The legal review gate before a decision (APL art. 58)"},
    {"name": "decisions", "description": "Decisions, service, payment and revocation"},
    {"name": "discretion", "description": "Discretion benchmark and the exemption list (APL arts. 32-34)"},
    {"name": "record", "description": "Whole-process record of a case"},
]

CaseId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]+$", description="Case id")]
ReviewId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]+$")]
DecisionId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]+$")]
ComplaintId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]+$",
                                  description="The Open311 service_request_id")]


def soon_days(request: Request) -> int:
    return request.app.state.settings.clock_soon_days


def after_id(cursor: str | None) -> str | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    value = position.get("after")
    if not isinstance(value, str):
        from shared.errors import Unprocessable

        raise Unprocessable.field("cursor", "cursor.opaque", "not a cursor this API issued; start again without it")
    return value


def next_cursor(items: list[Any], limit: int) -> str | None:
    return encode_cursor({"after": items[-1].id}) if len(items) == limit else None


def case_out(case: Case, soon: int) -> CaseOut:
    return CaseOut(
        **{f: getattr(case, f) for f in CaseOut.model_fields if f not in ("allowed_actions", "clock")},
        allowed_actions=sorted(a.value for a in allowed_transitions(case.state)),
        clock=ClockOut(name=case.clock, due=case.clock_due, provisional=case.clock_provisional,
                       status=status_of(case, today(), soon)),  # type: ignore[arg-type]
    )


def case_etag(case: Case) -> str:
    return etag_for(f"case:{case.id}:{case.revision}".encode())


def review_out(review: LegalReview) -> ReviewOut:
    return ReviewOut.model_validate(review, from_attributes=True)


def routers() -> list[APIRouter]:
    from services.casework import (
        routes_cases,
        routes_complaints,
        routes_decisions,
        routes_steps,
    )

    return [routes_complaints.router, routes_cases.router, routes_steps.router, routes_decisions.router]
