"""Background job of the coordination service: the sample catalogue on an empty database (no consumers yet)."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from services.coordination.catalogue import service as catalogue
from shared.app import BackgroundJob

log = logging.getLogger("services.coordination.handlers")


async def sample_catalogue(app: FastAPI) -> None:
    if not getattr(app.state.settings, "load_sample_catalogue", False):
        return
    async with app.state.db.sessionmaker() as session:
        row = await catalogue.load_sample(session)
        await session.commit()
    if row is not None:
        log.info("published the sample catalogue %s (sample data)", row.version)


def background_jobs() -> list[BackgroundJob]:
    return [sample_catalogue]
