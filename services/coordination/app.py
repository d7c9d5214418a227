"""Builds the coordination app: `uvicorn --factory services.coordination.app:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.coordination import handlers
from services.coordination.catalogue import routes as catalogue
from services.coordination.models import Base, bus_tables
from services.coordination.settings import CoordinationSettings
from shared.app import ServiceSpec, build_service_app

DESCRIPTION = """The Internet+Supervision coordination platform. It owns the supervision catalogue: departments at municipal and district level and comprehensive enforcement teams, the roles each may hold, supervision matters with the national list's fields, approval items with the department that supervises each, and entrustments.

The catalogue is data with versions: each version is in force from its date until the next, every past version is kept, and every service checks an act against the version in force on the act's date. Reading is public; publishing needs the catalogue keeper's administrator token. Errors are RFC 9457 problem+json."""
TAGS: list[dict[str, str]] = [
    {"name": "catalogue", "description": "The supervision catalogue, its versions and bulk files"},
]


def create_app(settings: CoordinationSettings | None = None) -> FastAPI:
    settings = settings or CoordinationSettings()
    return build_service_app(
        ServiceSpec(
            name="coordination",
            title="Coordination service",
            description=DESCRIPTION,
            settings=settings,
            metadata=Base.metadata,
            bus_tables=bus_tables,
            routers=[catalogue.router],
            tags=TAGS,
            # The catalogue is public (seed §2(2), §5); publishing a version needs a token.
            public_routes=("GET /catalogue", "GET /catalogue/*"),
            background_jobs=handlers.background_jobs(),
        )
    )
