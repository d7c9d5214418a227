"""Builds the disclosure app: `uvicorn --factory services.disclosure.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.disclosure import handlers, routes
from services.disclosure.clock import Clock
from services.disclosure.models import Base, bus_tables
from services.disclosure.settings import DisclosureSettings
from shared.app import ServiceSpec, build_service_app

DESCRIPTION = """Publishes what the law says must be public, redacted and on time: search, per-subject history, feeds, bulk files, a public site and a tamper-evident Merkle log.

Everything under `/public/` is anonymous and read-only; the site is served under `/site/`.
Callers reach this service through the gateway; errors are RFC 9457 problem+json."""


def create_app(settings: DisclosureSettings | None = None) -> FastAPI:
    settings = settings or DisclosureSettings()
    clock = Clock(settings.clock_offset_days)
    app = build_service_app(
        ServiceSpec(
            name="disclosure",
            title="Disclosure service",
            description=DESCRIPTION,
            settings=settings,
            metadata=Base.metadata,
            bus_tables=bus_tables,
            routers=routes.routers(),
            subscriptions=handlers.subscriptions(clock),
            tags=routes.TAGS,
            background_jobs=handlers.background_jobs(clock, settings.expiry_scan_seconds),
        )
    )
    app.state.clock = clock
    return app
