"""Builds the credit app: `uvicorn --factory services.credit.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.credit import handlers
from services.credit.commitments import routes as commitments
from services.credit.grading import routes as grading
from services.credit.lists import routes as lists
from services.credit.models import Base, bus_tables, catalogue
from services.credit.records import routes as records
from services.credit.repairs import routes as repairs
from services.credit.settings import CreditSettings
from services.credit.subjects import routes as subjects
from shared.app import ServiceSpec, build_service_app

DESCRIPTION = """Municipal public credit information platform: subject registry (USCC), credit records, notification and commitment, explainable A-D grades, abnormal / serious dishonesty / red lists, joint reward and punishment measures, credit repair and objections, risk early warning.

Callers reach this service through the gateway with a department bearer token; errors are
RFC 9457 problem+json."""
TAGS: list[dict[str, str]] = [
    {"name": "subjects", "description": "Registry of market participants by USCC, with bulk import"},
    {"name": "records", "description": "Credit records filed by departments or learnt from events"},
    {"name": "grades", "description": "Explainable A-D grades, risk early warning, measures in force"},
    {"name": "lists", "description": "Abnormal operations, serious illegal and dishonest, and red lists"},
    {"name": "commitments", "description": "Licences granted by notification and commitment"},
    {"name": "repairs", "description": "Credit repair applications and objections to records"},
]


def create_app(settings: CreditSettings | None = None) -> FastAPI:
    settings = settings or CreditSettings()
    return build_service_app(
        ServiceSpec(
            name="credit",
            title="Credit service",
            description=DESCRIPTION,
            settings=settings,
            metadata=Base.metadata,
            bus_tables=bus_tables,
            routers=[subjects.router, records.router, grading.router, lists.router, commitments.router,
                     repairs.router],
            subscriptions=handlers.subscriptions(),
            tags=TAGS,
            # A company applies for repair or objects to a record about itself without an account.
            public_routes=("POST /repairs", "POST /objections"),
            background_jobs=handlers.background_jobs(),
            readiness=catalogue.readiness(),
        )
    )
