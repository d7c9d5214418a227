"""Each service's migration history builds exactly the tables its models declare, on both databases.

Autogenerate compares a database migrated to head with the models: any difference is a model
change that was never migrated (or a migration that drifted from the models)."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from shared.migrate import SERVICES, version_table

pytestmark = pytest.mark.anyio
METADATA = {"gateway": ("gateway.audit.models", "AuditBase")}
# Written by hand in migrations because the models cannot say it for PostgreSQL alone (pg_trgm GIN).
POSTGRESQL_ONLY_INDEXES = {"ix_publications_subject_name_trgm"}


def metadata_of(service: str):
    module, base = METADATA.get(service, (f"services.{service}.models", "Base"))
    return getattr(importlib.import_module(module), base).metadata


async def test_migrations_at_head_match_the_models(databases):
    differences = {}
    for service in SERVICES:
        engine = create_async_engine(await databases.fresh(service))
        try:
            async with engine.connect() as conn:
                def compare(sync_conn, service=service):
                    ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                    found = compare_metadata(ctx, metadata_of(service))
                    return [d for d in found if not _is_version_table(d, service) and not _is_pg_only(d)]
                diff = await conn.run_sync(compare)
        finally:
            await engine.dispose()
        if diff:
            differences[service] = diff
    assert differences == {}


def _is_version_table(diff, service: str) -> bool:
    return diff[0] == "remove_table" and diff[1].name == version_table(service)


def _is_pg_only(diff) -> bool:
    return diff[0] == "remove_index" and diff[1].name in POSTGRESQL_ONLY_INDEXES
