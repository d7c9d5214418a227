"""Builds the credit app: `uvicorn --factory services.credit.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.credit import handlers, routes
from services.credit.models import Base, bus_tables
from services.credit.settings import CreditSettings
from shared.app import ServiceSpec, build_service_app

DESCRIPTION = """Municipal public credit information platform: subject registry (USCC), credit records, notification and commitment, explainable A-D grades, abnormal / serious dishonesty / red lists, joint reward and punishment measures, credit repair and objections, risk early warning.

Callers reach this service through the gateway with a department bearer token; errors are
RFC 9457 problem+json."""


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
            routers=routes.routers(),
            subscriptions=handlers.subscriptions(),
            tags=routes.TAGS,
            background_jobs=handlers.background_jobs(),
        )
    )
