"""HTTP routes: the public catalogue (versions, the version in force on a date, bulk files) and publishing."""

from __future__ import annotations

import json
from datetime import date
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, Response

from services.coordination.catalogue import service as catalogue
from services.coordination.catalogue.schemas import (
    CatalogueOut,
    CatalogueVersionCreate,
    VersionPage,
    VersionSummary,
)
from services.coordination.models import CatalogueVersion
from shared.app import problem_responses
from shared.clock import shanghai_today
from shared.web import PrincipalDep, SessionDep, SnapshotSessionDep

router = APIRouter(tags=["catalogue"])
OnDate = Annotated[date | None, Query(description="the date of the act (Asia/Shanghai); default: today",
                                      examples=["2026-11-20"])]
VersionPath = Annotated[str, Path(max_length=64, description="version label", examples=["sample-2026.1"])]


def summary(row: CatalogueVersion, effective_to: date | None = None) -> VersionSummary:
    return VersionSummary(version=row.version, effective_from=row.effective_from, effective_to=effective_to,
                          published_at=row.published_at, sample=row.sample, note=row.note)


@router.get("/catalogue", summary="The catalogue in force on a date",
            description="Departments (municipal and district) and enforcement teams with their roles, supervision "
                        "matters, approval items with the department supervising each, and entrustments: the "
                        "version in force on `on` (default today). Public.", responses=problem_responses(404, 422))
async def catalogue_in_force(session: SnapshotSessionDep, on: OnDate = None) -> CatalogueOut:
    return CatalogueOut.model_validate(catalogue.as_output(await catalogue.in_force(session, on or shanghai_today())))


@router.get("/catalogue/versions", summary="Every version ever published",
            description="Oldest first, each with the dates it governs (`effective_to` null: still in force or "
                        "future). Public.")
async def list_catalogue_versions(session: SnapshotSessionDep) -> VersionPage:
    return VersionPage(items=[summary(s.row, s.effective_to) for s in await catalogue.history(session)])


@router.get("/catalogue/versions/{version}", summary="One version, whole", responses=problem_responses(404))
async def get_catalogue_version(version: VersionPath, session: SnapshotSessionDep) -> CatalogueOut:
    return CatalogueOut.model_validate(catalogue.as_output(await catalogue.get(session, version)))


@router.get("/catalogue/bulk/{version}.json", summary="Bulk file: one version as a JSON document",
            description="The version's whole document as published (the same shape the services receive in "
                        "`sup.coordination.catalogue.published`). Public.",
            responses={200: {"content": {"application/json": {}}}, **problem_responses(404)})
async def catalogue_bulk_json(version: VersionPath, session: SnapshotSessionDep) -> Response:
    body = json.dumps(catalogue.as_output(await catalogue.get(session, version)), ensure_ascii=False, default=str)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="catalogue-{version}.json"'})


@router.get("/catalogue/bulk/matters.csv", summary="Bulk file: the matters in force on a date, as CSV",
            description="One line per supervision matter in force on `on` (default today), with the national "
                        "list's columns and the catalogue version. Public.",
            responses={200: {"content": {"text/csv": {}}}, **problem_responses(404, 422)})
async def catalogue_matters_csv(session: SnapshotSessionDep, on: OnDate = None) -> Response:
    day = on or shanghai_today()
    body = catalogue.matters_csv(await catalogue.in_force(session, day), day)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="matters-{day}.csv"'})


@router.post("/catalogue/versions", status_code=201, summary="Publish a new catalogue version",
             description="The whole catalogue as it stands from `effective_from` (today or later). Every service "
                         "receives it (`sup.coordination.catalogue.published`) and checks acts dated on or after "
                         "that day against it, without a restart; earlier acts keep the version they were checked "
                         "against. Refused (422, naming the entry) when it does not hold together, e.g. an "
                         "approval item supervised by a department its status does not allow (seed §4). Role: "
                         "admin of the catalogue keeper department.",
             responses=problem_responses(403, 409, 422))
async def publish_catalogue_version(body: CatalogueVersionCreate, session: SessionDep,
                                    principal: PrincipalDep) -> VersionSummary:
    row = await catalogue.publish(session, principal, body)
    out = summary(row)
    await session.commit()
    return out


def _table(title: str, columns: tuple[str, ...], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<h2>{escape(title)}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def name(n: dict[str, str]) -> str:
    return f"{n.get('zh', '')} {n.get('en', '')}".strip()


def _page(doc: dict[str, Any], day: date) -> str:
    sections = [
        _table("Departments and enforcement teams", ("code", "name", "kind", "level", "district", "functions"),
               [[d["code"], name(d["name"]), d.get("kind", "department"), d.get("level", "municipal"),
                 d.get("district") or "city", ", ".join(d.get("functions") or [])] for d in doc["departments"]]),
        _table("Supervision matters", ("code", "main item", "sub-item", "competent department", "implemented by",
                                       "level", "legal basis", "supervisee", "approach"),
               [[m["code"], m["main_item"], m.get("sub_item", ""), m["department"],
                 ", ".join(m.get("implemented_by") or [m["department"]]), ", ".join(m.get("level") or []),
                 m["legal_basis"], m["supervisee_type"], m["approach"]] for m in doc["matters"]]),
        _table("Approval items and who supervises them", ("code", "name", "examined by", "status", "supervised by",
                                                          "matter"),
               [[a["code"], name(a["name"]), a["examining_department"], a["status"], a["supervising_department"],
                 a.get("matter_code") or ""] for a in doc.get("approval_items") or []]),
        _table("Entrustments (the entrusted body acts in the entrustor's name)",
               ("code", "entrustor", "entrustee", "matters", "powers", "letter", "term"),
               [[e["code"], e["entrustor"], e["entrustee"], ", ".join(e["matters"]), ", ".join(e["powers"]),
                 f"{e['letter_ref']} {e['url']}", f"{e['valid_from']} to {e['valid_to']}"]
                for e in doc.get("entrustments") or []]),
    ]
    sample = "<p><strong>Sample data, not the official lists.</strong></p>" if doc.get("sample") else ""
    return (f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Supervision catalogue "
            f"{escape(doc['version'])}</title></head><body><h1>Supervision catalogue in force on {day}</h1>"
            f"<p>Version {escape(doc['version'])}, in force from {escape(str(doc['effective_from']))}. "
            f"Every version: <a href=\"versions\">versions</a>; bulk: <a href=\"bulk/matters.csv?on={day}\">"
            f"matters.csv</a>.</p>{sample}{''.join(sections)}</body></html>")


@router.get("/catalogue/page", summary="The catalogue in force on a date, as a web page",
            description="The same content as `GET /catalogue` for people: departments, matters, approval items "
                        "with the supervising department, entrustments. Public.",
            response_class=HTMLResponse, responses=problem_responses(404, 422))
async def catalogue_page(session: SnapshotSessionDep, on: OnDate = None) -> HTMLResponse:
    day = on or shanghai_today()
    return HTMLResponse(_page(catalogue.as_output(await catalogue.in_force(session, day)), day))
