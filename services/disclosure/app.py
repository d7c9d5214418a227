"""Builds the disclosure app: `uvicorn --factory services.disclosure.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.disclosure import handlers
from services.disclosure.deps import Clock
from services.disclosure.efficiency import routes as efficiency_routes
from services.disclosure.feeds import routes as feeds_routes
from services.disclosure.log import routes as log_routes
from services.disclosure.log import service as log_service
from services.disclosure.models import Base, bus_tables
from services.disclosure.public import routes as public_routes
from services.disclosure.settings import DisclosureSettings
from services.disclosure.site import routes as site_routes
from shared.app import ServiceSpec, build_service_app

DESCRIPTION = """Publishes what the law says must be public, redacted and on time: search, per-subject history, feeds, bulk files, a public site and a tamper-evident Merkle log.

Everything under `/public/` is anonymous and read-only; the site is served under `/site/`.
Callers reach this service through the gateway; errors are RFC 9457 problem+json."""

TAGS: list[dict[str, str]] = [
    {"name": "public records", "description": "Search, records, subject histories, draws and the efficiency "
                                              "evaluation: anonymous, read-only, redacted, cursor-paged, ETag/304."},
    {"name": "feeds and bulk", "description": "Atom and JSON Feed 1.1 change feeds synced by log sequence number; "
                                              "daily bulk CSV per record type."},
    {"name": "log", "description": "The tamper-evident RFC 6962 Merkle log of every publication and withdrawal, "
                                   "with Ed25519-signed tree heads and proofs."},
]


def create_app(settings: DisclosureSettings | None = None) -> FastAPI:
    settings = settings or DisclosureSettings()
    clock = Clock(settings.clock_offset_days)
    log_service.use_keys(settings.database_url, settings.log_key_dir or log_service.default_key_dir(
        settings.database_url), settings.log_signing_key_pem)
    app = build_service_app(
        ServiceSpec(
            name="disclosure",
            title="Disclosure service",
            description=DESCRIPTION,
            settings=settings,
            metadata=Base.metadata,
            bus_tables=bus_tables,
            routers=[public_routes.router, efficiency_routes.router, feeds_routes.router, log_routes.router,
                     site_routes.router],
            subscriptions=handlers.subscriptions(clock),
            tags=TAGS,
            public_routes=("GET /", "GET /site", "GET /site/*", "GET /public/*"),
            background_jobs=handlers.background_jobs(clock, settings.expiry_scan_seconds),
        )
    )
    app.state.clock = clock
    return app
