"""What the routes share: the service's clock, page sizes, ETag/304, identifier checks, the base URL.

The clock is the service's notion of now and today (Asia/Shanghai dates of legal effect): one
object per app, handed to routes, handlers and jobs, so a demo or a test can move the whole
service forward in time (`advance`) and watch windows end, with nothing patched.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from shared.clock import shanghai_date
from shared.errors import Unprocessable
from shared.identifiers import InvalidIdentifier, validate_uscc
from shared.paging import etag_for

MAX_PUBLIC_PAGE = 100


class Clock:
    def __init__(self, offset_days: float = 0.0) -> None:
        self.offset = timedelta(days=offset_days)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def today(self) -> date:
        return shanghai_date(self.now())

    def advance(self, *, days: float) -> None:
        self.offset += timedelta(days=days)


async def get_clock(request: Request) -> Clock:
    # async: FastAPI runs a plain `def` dependency in its thread pool, a thread hop per request.
    return request.app.state.clock


ClockDep = Annotated[Clock, Depends(get_clock)]
PublicPageSize = Annotated[int, Query(ge=1, le=MAX_PUBLIC_PAGE, description=f"page size, at most {MAX_PUBLIC_PAGE}")]
Authority = Annotated[str | None, Query(pattern=r"^[a-z0-9_-]{1,40}$", description="department code",
                                        examples=["scjgj"])]


def base_url(request: Request) -> str:
    return request.app.state.settings.public_base_url.rstrip("/")


def checked_uscc(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    try:
        return validate_uscc(value)
    except InvalidIdentifier as exc:
        raise Unprocessable.field(field, exc.rule, exc.message) from None


def cached(request: Request, body: bytes, media_type: str, *, max_age: int = 30,
           headers: dict[str, str] | None = None) -> Response:
    """The body with a strong ETag; 304 without a body when the caller already has it."""
    tag = etag_for(body)
    out = {"ETag": tag, "Cache-Control": f"public, max-age={max_age}", **(headers or {})}
    sent = request.headers.get("if-none-match")
    if sent and (sent.strip() == "*" or tag in [t.strip() for t in sent.split(",")]):
        return Response(status_code=304, headers=out)
    return Response(body, media_type=media_type, headers=out)


def cached_json(request: Request, model, *, max_age: int = 30) -> Response:
    return cached(request, model.model_dump_json().encode(), "application/json", max_age=max_age)
