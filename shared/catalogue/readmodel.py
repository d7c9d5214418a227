"""A service's copy of the catalogue: every version the coordination service published, and the
checks a service makes against the version in force on the date of an act.

Each service that needs it declares one in its models (the table joins the service's metadata,
its migration creates it with `shared.catalogue.migration_ops`) and subscribes to the
publications::

    catalogue = CatalogueReadModel(Base.metadata)          # models.py
    catalogue.subscription("credit")                        # handlers.py
    v = await catalogue.in_force(session, decision_date)    # a use case
    who = require_authority(v, principal, matter_code, decision_date, district=subject.district)

A version takes effect on its date without a restart: every check reads the version in force on
the act's date from the table (the parsed document is cached by its immutable version label).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    MetaData,
    String,
    Table,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.bus.consumer import Subscription
from shared.bus.envelope import Event
from shared.catalogue.model import Authority, CatalogueVersion, parse_version
from shared.contracts.coordination import CatalogueVersionPublished
from shared.errors import Conflict, Forbidden

TABLE = "catalogue_versions"
SAMPLE_FILE = Path(__file__).resolve().parent.parent / "data" / "sample_catalogue.yaml"


def define_catalogue_table(metadata: MetaData) -> Table:
    return Table(
        TABLE, metadata,
        Column("version", String(64), primary_key=True),
        Column("effective_from", Date, nullable=False, index=True),
        Column("published_at", DateTime(timezone=True), nullable=False),
        Column("sample", Boolean, nullable=False),
        Column("document", JSON, nullable=False),
    )


def sample_document() -> dict[str, Any]:
    """The sample catalogue shipped for the demo and the tests (marked `sample: true`)."""
    doc = yaml.safe_load(SAMPLE_FILE.read_text(encoding="utf-8"))
    # JSON round trip: dates as ISO strings, as they travel in events.
    return json.loads(json.dumps(doc, default=str))


class CatalogueReadModel:
    def __init__(self, metadata: MetaData) -> None:
        self.table = define_catalogue_table(metadata)
        self._parsed: dict[str, CatalogueVersion] = {}

    async def apply(self, session: AsyncSession, published: CatalogueVersionPublished) -> None:
        """Keep a published version (idempotent: a version label is published once, never changed)."""
        t = self.table
        known = await session.scalar(select(t.c.version).where(t.c.version == published.version))
        if known is not None:
            return
        parse_version(published.document)  # refuse (dead-letter) a document that does not hold together
        await session.execute(t.insert().values(
            version=published.version, effective_from=published.effective_from,
            published_at=published.published_at, sample=published.sample, document=published.document))

    async def apply_sample(self, session: AsyncSession) -> CatalogueVersionPublished:
        """Load the sample catalogue as if it had been published (tests and one-off tools)."""
        doc = sample_document()
        published = CatalogueVersionPublished(version=doc["version"], effective_from=doc["effective_from"],
                                              published_at=datetime.now(UTC), sample=True, document=doc)
        await self.apply(session, published)
        return published

    async def on_published(self, session: AsyncSession, event: Event) -> None:
        payload = event.payload()
        assert isinstance(payload, CatalogueVersionPublished)
        await self.apply(session, payload)

    def subscription(self, service: str) -> Subscription:
        return Subscription(durable=f"{service}-catalogue", producer="coordination",
                            subjects=[CatalogueVersionPublished.event_type], handler=self.on_published)

    async def in_force(self, session: AsyncSession, on: date) -> CatalogueVersion:
        """The version in force on `on`; 409 when no published version covers that date."""
        t = self.table
        version = await session.scalar(select(t.c.version).where(t.c.effective_from <= on)
                                       .order_by(t.c.effective_from.desc(), t.c.published_at.desc()).limit(1))
        if version is None:
            raise Conflict(f"no supervision catalogue in force on {on}: authority cannot be checked",
                           rule="catalogue.none_in_force")
        parsed = self._parsed.get(version)
        if parsed is None:
            doc = await session.scalar(select(t.c.document).where(t.c.version == version))
            parsed = self._parsed.setdefault(version, parse_version(doc))
        return parsed

    async def latest_version(self, session: AsyncSession) -> str | None:
        t = self.table
        return await session.scalar(select(t.c.version).order_by(t.c.effective_from.desc()).limit(1))

    def readiness(self) -> dict[str, Any]:
        """A /readyz check: a service that cannot check authority is not ready (ServiceSpec.readiness)."""

        async def check(app: Any) -> tuple[bool, str]:
            async with app.state.db.sessionmaker() as session:
                version = await self.latest_version(session)
            return (True, f"catalogue {version}") if version else (False, "no catalogue version received yet")

        return {"catalogue": check}


# --- the checks, against one version ------------------------------------------------------------


def _department(principal: Principal) -> str:
    if principal.is_public or not principal.department:
        raise Forbidden("this act needs a department credential", rule="authority.department_required")
    return principal.department


def require_jurisdiction(v: CatalogueVersion, department: str, district: str | None) -> None:
    # Administrative Penalty Law arts. 22-23: a district body acts only on subjects in its district.
    d = v.department(department)
    if d is None:
        raise Forbidden(f"department {department} is not in the supervision catalogue {v.version}",
                        rule="catalogue.unknown_department", catalogue_version=v.version)
    if not v.covers(department, district):
        raise Forbidden(f"{department} ({d.name_en}) has territorial jurisdiction over district {d.district} "
                        f"only; the subject is in {district}", rule="jurisdiction.outside_district",
                        catalogue_version=v.version)


def require_authority(v: CatalogueVersion, principal: Principal, matter_code: str, on: date, *,
                      district: str | None = None, power: str | None = None) -> Authority:
    """The authority of the caller's department for `matter_code` on `on` (in its own right or under an
    entrustment), within its territory when `district` is given; 403 naming the rule otherwise."""
    department = _department(principal)
    if district is not None:
        require_jurisdiction(v, department, district)
    found = v.authority(department, matter_code, on, power)
    if found is None:
        matter = v.matters.get(matter_code)
        why = ("is not in the catalogue" if matter is None else
               f"is not in force on {on}" if not matter.in_force(on) else
               f"is not one of {department}'s matters, nor entrusted to it on {on}")
        raise Forbidden(f"matter {matter_code} {why} (catalogue {v.version})", rule="authority.matter_not_own",
                        matter_code=matter_code, catalogue_version=v.version)
    return found


def require_function(v: CatalogueVersion, principal: Principal, function: str, *, district: str | None,
                     rule: str, what: str) -> str:
    """The caller's department when the catalogue gives it `function` over `district`; 403 otherwise."""
    department = _department(principal)
    if not v.holds(department, function):
        raise Forbidden(f"{what}: {department} is not a {function.replace('_', ' ')} in catalogue {v.version}",
                        rule=rule, catalogue_version=v.version)
    require_jurisdiction(v, department, district)
    return department
