"""The catalogue's use cases: publish a version, read the version in force on a date, the history."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.coordination.catalogue.repository import CatalogueRepository
from services.coordination.catalogue.schemas import CatalogueVersionCreate
from services.coordination.models import CatalogueVersion
from services.coordination.rules.approvals import supervisor_problem
from shared.auth import Principal
from shared.bus.outbox import add_event
from shared.catalogue.model import CatalogueError, parse_version
from shared.catalogue.model import CatalogueVersion as Parsed
from shared.catalogue.readmodel import require_function, sample_document
from shared.clock import shanghai_today
from shared.contracts.coordination import CatalogueVersionPublished
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

KEEPER_ROLES = ("admin",)


@dataclass(frozen=True)
class Summary:
    row: CatalogueVersion
    effective_to: date | None


def _checked(doc: dict[str, Any]) -> Parsed:
    """The parsed version, or a 422 naming the entry that does not hold together."""
    try:
        parsed = parse_version(doc)
    except CatalogueError as exc:
        raise Unprocessable.field(f"body.{exc.where}", "catalogue.consistency", exc.message) from None
    for i, item in enumerate(doc.get("approval_items") or []):
        problem = supervisor_problem(parsed.approval_items[item["code"]], parsed)
        if problem:
            raise Unprocessable.field(f"body.approval_items[{i}].supervising_department",
                                      "approval.supervisor_by_status", problem)
    return parsed


async def _store(session: AsyncSession, doc: dict[str, Any], *, by: str, note: str) -> CatalogueVersion:
    parsed = _checked(doc)
    repo = CatalogueRepository(session)
    if await repo.get(parsed.version) is not None:
        raise Conflict(f"catalogue version {parsed.version} is already published; a change is a new version",
                       rule="catalogue.version_immutable")
    now = datetime.now(UTC)
    row = CatalogueVersion(version=parsed.version, effective_from=parsed.effective_from, published_at=now,
                           published_by=by, sample=parsed.sample, note=note, document=doc)
    await repo.add(row)
    await add_event(session, CatalogueVersionPublished(
        version=row.version, effective_from=row.effective_from, published_at=now, sample=row.sample,
        document=doc), subject=row.version)
    return row


async def publish(session: AsyncSession, principal: Principal, data: CatalogueVersionCreate) -> CatalogueVersion:
    """Publish a new version, in force from its date; only the catalogue keeper's administrators may."""
    if not principal.has_role(*KEEPER_ROLES):
        raise Forbidden("publishing the catalogue needs role admin of the catalogue keeper", missing_role=["admin"])
    current = await in_force(session, shanghai_today())
    require_function(_checked(current.document), principal, "catalogue_keeper", district=None,
                     rule="catalogue.keeper_only", what="publishing the catalogue")
    if data.effective_from < shanghai_today():
        raise Unprocessable.field("body.effective_from", "date.not_past",
                                  "a catalogue version takes effect today or later; acts already done keep "
                                  "the version they were checked against")
    doc = data.model_dump(mode="json", exclude={"note"}, exclude_none=True) | {"sample": False}
    return await _store(session, doc, by=principal.client_id or principal.department or "", note=data.note)


async def load_sample(session: AsyncSession) -> CatalogueVersion | None:
    """Publish the shipped sample catalogue when none was ever published (demo and development)."""
    if await CatalogueRepository(session).any():
        return None
    return await _store(session, sample_document(), by="sample", note="sample data shipped with the platform")


async def in_force(session: AsyncSession, on: date) -> CatalogueVersion:
    row = await CatalogueRepository(session).in_force(on)
    if row is None:
        raise NotFound(f"no catalogue version is in force on {on}")
    return row


async def get(session: AsyncSession, version: str) -> CatalogueVersion:
    row = await CatalogueRepository(session).get(version)
    if row is None:
        raise NotFound(f"no catalogue version {version}")
    return row


async def history(session: AsyncSession) -> list[Summary]:
    rows = await CatalogueRepository(session).all()
    out = []
    for i, row in enumerate(rows):
        later = [r.effective_from for r in rows[i + 1:] if r.effective_from > row.effective_from]
        out.append(Summary(row, date.fromordinal(min(later).toordinal() - 1) if later else None))
    return out


def as_output(row: CatalogueVersion) -> dict[str, Any]:
    return row.document | {"version": row.version, "effective_from": row.effective_from, "sample": row.sample}


MATTER_COLUMNS = ("code", "department", "implemented_by", "main_item", "sub_item", "name_zh", "name_en", "level",
                  "legal_basis", "supervisee_type", "approach", "effective_from", "effective_to", "catalogue_version")


def matters_csv(row: CatalogueVersion, on: date) -> str:
    """The matters in force on `on`, one per line (the bulk file)."""
    parsed = parse_version(row.document)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(MATTER_COLUMNS)
    for m in sorted(parsed.matters.values(), key=lambda m: m.code):
        if m.in_force(on):
            w.writerow([m.code, m.department, " ".join(sorted(m.implemented_by)), m.main_item, m.sub_item, m.name_zh,
                        m.name_en, " ".join(m.level), m.legal_basis, m.supervisee_type, m.approach,
                        m.effective_from.isoformat(), m.effective_to.isoformat() if m.effective_to else "",
                        row.version])
    return out.getvalue()
