"""Builds the inspection app: `uvicorn --factory services.inspection.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.inspection import handlers
from services.inspection.directory import routes as directory_routes
from services.inspection.history import routes as history_routes
from services.inspection.models import Base, bus_tables, catalogue
from services.inspection.plans import routes as plans_routes
from services.inspection.results import routes as results_routes
from services.inspection.settings import InspectionSettings
from services.inspection.tasks import routes as tasks_routes
from shared.app import ServiceSpec, build_service_app

DESCRIPTION = """'Double random, one public' inspection: item lists, inspection object and inspector databases, plans, publicly verifiable random draws linked to credit grade and risk, joint inspections, inspector assignment with recusal, results.

Callers reach this service through the gateway with a department bearer token; errors are
RFC 9457 problem+json."""

TAGS: list[dict[str, str]] = [
    {"name": "items", "description": "One list: each department's public inspection items (general or key)."},
    {"name": "objects", "description": "The inspection object database (subjects, credit grade, risk, lists) "
                                       "and each object's step history."},
    {"name": "inspectors", "description": "The inspector database. Declared interests are private."},
    {"name": "plans", "description": "Random inspection plans (joint across departments), commitment and draw."},
    {"name": "tasks", "description": "Objects to visit with their inspectors: drawn or key (non-random)."},
    {"name": "results", "description": "Results per object and item, evidence hashes, publication deadlines."},
    {"name": "public", "description": "Anonymous: published plans, draw records and their verification."},
]


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
            routers=[directory_routes.router, plans_routes.router, plans_routes.public_router,
                     tasks_routes.router, results_routes.router, history_routes.router],
            subscriptions=handlers.subscriptions(),
            tags=TAGS,
            # "One public": the item lists, published plans and draws with their verification.
            public_routes=("GET /items", "GET /items/{item_id}", "GET /public/*"),
            background_jobs=handlers.background_jobs(),
            readiness=catalogue.readiness(),
        )
    )
