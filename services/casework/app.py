"""Builds the casework app: `uvicorn --factory services.casework.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.casework import handlers
from services.casework.cases.routes import router as cases_router
from services.casework.complaints.routes import router as complaints_router
from services.casework.decisions.routes import router as decisions_router
from services.casework.models import Base, bus_tables, catalogue
from services.casework.open311.routes import ROOT as OPEN311_ROOT
from services.casework.open311.routes import error_response as open311_error
from services.casework.open311.routes import router as open311_router
from services.casework.reviews.routes import router as reviews_router
from services.casework.settings import CaseworkSettings
from services.casework.steps.routes import router as steps_router
from shared.app import ServiceSpec, build_service_app

DESCRIPTION = """Complaints and tip-offs, administrative penalty case workflow with statutory clocks, discretion benchmarks and the exemption list, legal review gate, decisions, transfers and the whole-process record.

Callers reach this service through the gateway with a department bearer token; errors are
RFC 9457 problem+json."""

TAGS: list[dict[str, str]] = [
    {"name": "complaints", "description": "Complaints and tip-offs (the native intake, 12345/12315)"},
    {"name": "open311", "description": "Open311 GeoReport v2 (json, xml) over the same intake: services, "
                                       "requests, tokens; errors as GeoReport's [{code, description}]"},
    {"name": "cases", "description": "Administrative penalty cases: the state machine from lead to closing"},
    {"name": "clocks", "description": "Statutory clocks: overdue and due-soon cases per department"},
    {"name": "legal reviews", "description": "The legal review gate before a decision (APL art. 58)"},
    {"name": "decisions", "description": "Decisions, service, payment and revocation"},
    {"name": "discretion", "description": "Discretion benchmark and the exemption list (APL arts. 32-34)"},
    {"name": "record", "description": "Whole-process record of a case"},
]
# In this order the operations appear in the OpenAPI document (a case's steps, then closing it,
# which leads into the decisions).
ROUTERS = [complaints_router, open311_router, cases_router, reviews_router, steps_router, decisions_router]


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
            routers=ROUTERS,
            subscriptions=handlers.subscriptions(settings),
            tags=TAGS,
            # Anyone files a complaint or tip-off (also over Open311); the discretion benchmark is public (APL art. 34).
            public_routes=("GET /services", "POST /complaints", "GET /discretion/benchmarks",
                           "GET /discretion/{violation_type}/recommendation",
                           "POST /discretion/{violation_type}/recommendation", "GET /open311/*", "POST /open311/*"),
            background_jobs=handlers.background_jobs(),
            readiness=catalogue.readiness(),
            error_formats={OPEN311_ROOT + "/": open311_error},
        )
    )
