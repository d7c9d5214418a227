"""What every public route shares: the clock, page sizes, ETag/304, identifier checks, record shape."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from services.disclosure.clock import Clock
from services.disclosure.models import Publication
from services.disclosure.schemas import PublicRecord
from shared.errors import Unprocessable
from shared.identifiers import InvalidIdentifier, validate_uscc
from shared.paging import etag_for

MAX_PUBLIC_PAGE = 100


async def get_clock(request: Request) -> Clock:
    # async: FastAPI runs a plain `def` dependency in its thread pool, a thread hop per request.
    return request.app.state.clock


ClockDep = Annotated[Clock, Depends(get_clock)]
PublicPageSize = Annotated[int, Query(ge=1, le=MAX_PUBLIC_PAGE, description=f"page size, at most {MAX_PUBLIC_PAGE}")]


def base_url(request: Request) -> str:
    return request.app.state.settings.public_base_url.rstrip("/")


def checked_uscc(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    try:
        return validate_uscc(value)
    except InvalidIdentifier as exc:
        raise Unprocessable.field(field, exc.rule, exc.message) from None


def to_public(pub: Publication) -> PublicRecord:
    return PublicRecord(
        id=pub.id, record_type=pub.record_type, title=pub.title, uscc=pub.uscc, subject_name=pub.subject_name,
        authority=pub.authority, district=pub.district, industry_code=pub.industry_code, decided_on=pub.decided_on,
        published_on=pub.published_on, window_end=pub.window_end, on_time=not pub.published_late,
        content=pub.content, record_hash=pub.record_hash, log_index=pub.publish_log_index)


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
