"""Route helpers shared by the inspection sub-routers: id parameters, cursor pages and ETags."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Path, Query, Response
from pydantic import BaseModel

from shared.errors import Unprocessable
from shared.paging import decode_cursor, encode_cursor, etag_for

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

AnyId = Path(min_length=1, max_length=36, pattern=r"^[0-9A-Za-z-]+$", description="id")
UsccPath = Path(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", description="Unified Social Credit Code",
                examples=["91310000MA1FL4QT5X"])
IdQuery = Annotated[str | None, Query(min_length=1, max_length=36, pattern=r"^[0-9A-Za-z-]+$")]


def after_from(cursor: str | None) -> str | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    after = position.get("after")
    if not isinstance(after, str):
        raise Unprocessable.field("cursor", "cursor.opaque", "not a cursor this API issued; start again without it")
    return after


def page(rows: Sequence[T], limit: int, key: Callable[[T], str], shape: Callable[[T], Any]) -> dict[str, Any]:
    """Rows were fetched with limit + 1: the extra one tells whether a next page exists."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [shape(r) for r in rows],
            "next_cursor": encode_cursor({"after": key(rows[-1])}) if more and rows else None}


def with_etag(response: Response, model: M) -> M:
    response.headers["ETag"] = etag_for(json.dumps(model.model_dump(mode="json"), sort_keys=True).encode())
    return model
