"""Builds the inspection app: `uvicorn --factory services.inspection.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.inspection import handlers, routes
from services.inspection.models import Base, bus_tables
from services.inspection.settings import InspectionSettings
from shared.app import ServiceSpec, build_service_app

DESCRIPTION = """'Double random, one public' inspection: item lists, inspection object and inspector databases, plans, publicly verifiable random draws linked to credit grade and risk, joint inspections, inspector assignment with recusal, results.

Callers reach this service through the gateway with a department bearer token; errors are
RFC 9457 problem+json."""


def create_app(settings: InspectionSettings | None = None) -> FastAPI:
    settings = settings or InspectionSettings()
    return build_service_app(
        ServiceSpec(
            name="inspection",
            title="Inspection service",
            description=DESCRIPTION,
            settings=settings,
            metadata=Base.metadata,
            bus_tables=bus_tables,
            routers=routes.routers(),
            subscriptions=handlers.subscriptions(),
            tags=routes.TAGS,
            background_jobs=handlers.background_jobs(),
        )
    )
