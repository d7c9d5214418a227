"""Route helpers shared by the casework sub-routers: the case id parameter, cursor pages, the
configured due-soon days, and the answer shapes of a case and of a legal review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Protocol

from fastapi import Path, Request

from services.casework.cases.schemas import CaseOut, ClockOut
from services.casework.cases.service import offered, status_of, today
from services.casework.models import Case, LegalReview
from services.casework.reviews.schemas import ReviewOut
from shared.errors import Unprocessable
from shared.paging import decode_cursor, encode_cursor
from shared.web import SessionDep

CaseId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]+$", description="Case id")]


class Identified(Protocol):
    @property
    def id(self) -> str: ...


def soon_days(request: Request) -> int:
    return request.app.state.settings.clock_soon_days


def after_id(cursor: str | None) -> str | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    value = position.get("after")
    if not isinstance(value, str):
        raise Unprocessable.field("cursor", "cursor.opaque", "not a cursor this API issued; start again without it")
    return value


def next_cursor(items: Sequence[Identified], limit: int) -> str | None:
    return encode_cursor({"after": items[-1].id}) if len(items) == limit else None


def case_out(case: Case, soon: int) -> CaseOut:
    return CaseOut(
        **{f: getattr(case, f) for f in CaseOut.model_fields if f not in ("allowed_actions", "clock")},
        allowed_actions=offered(case),
        clock=ClockOut(name=case.clock, due=case.clock_due, provisional=case.clock_provisional,
                       status=status_of(case, today(), soon)),  # type: ignore[arg-type]
    )


async def commit_case(session: SessionDep, case: Case, request: Request) -> CaseOut:
    """A step's answer: commit, then the case as it now stands."""
    await session.commit()
    return case_out(case, soon_days(request))


def review_out(review: LegalReview) -> ReviewOut:
    return ReviewOut.model_validate(review, from_attributes=True)
