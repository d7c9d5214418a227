"""Builds the casework app: `uvicorn --factory services.casework.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.casework import handlers, routes
from services.casework.models import Base, bus_tables
from services.casework.settings import CaseworkSettings
from shared.app import ServiceSpec, build_service_app

DESCRIPTION = """Complaints and tip-offs, administrative penalty case workflow with statutory clocks, discretion benchmarks and the exemption list, legal review gate, decisions, transfers and the whole-process record.

Callers reach this service through the gateway with a department bearer token; errors are
RFC 9457 problem+json."""


def create_app(settings: CaseworkSettings | None = None) -> FastAPI:
    settings = settings or CaseworkSettings()
    return build_service_app(
        ServiceSpec(
            name="casework",
            title="Casework service",
            description=DESCRIPTION,
            settings=settings,
            metadata=Base.metadata,
            bus_tables=bus_tables,
            routers=routes.routers(),
            subscriptions=handlers.subscriptions(settings),
            tags=routes.TAGS,
            background_jobs=handlers.background_jobs(),
        )
    )
