"""The public site: server-rendered HTML (Jinja2), no JavaScript, served at the gateway root.

Not part of the API (kept out of the OpenAPI document); it reads through the same
public read use cases, so it shows exactly what the API shows and nothing more.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.disclosure.deps import ClockDep, base_url
from services.disclosure.efficiency import service as efficiency_service
from services.disclosure.efficiency.service import month_of
from services.disclosure.public import service as public_service
from services.disclosure.publications.repository import SearchFilters
from services.disclosure.rules.public_records import PENALTY_LABELS, TYPE_LABELS
from services.disclosure.rules.publicity import RecordType
from shared.errors import DomainError, NotFound
from shared.identifiers import is_valid_uscc, validate_uscc
from shared.web import SnapshotSessionDep

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals.update(
    type_labels={t.value: label for t, label in TYPE_LABELS.items()},
    record_types=[t.value for t in RecordType],
    result_labels={"passed": "未发现问题 Passed", "corrected_on_spot": "已责令改正 Corrected on the spot",
                   "problems_found": "发现问题 Problems found", "not_found": "未发现企业 Not found at address"},
    list_labels={"abnormal": "经营异常名录 Abnormal operations", "serious_dishonesty": "严重失信主体名单 Serious "
                 "dishonesty", "red": "守信红名单 Red list"},
    penalty_labels={k.value: label for k, label in PENALTY_LABELS.items()},
    metric_labels={"inspection_result_published": ("抽查结果按时公示", "Inspection results published on time"),
                   "penalty_published": ("行政处罚按时公示", "Penalties published on time"),
                   "withdrawal": ("按时撤下", "Withdrawals on time"),
                   "case_closed": ("案件按时办结", "Cases closed on time"),
                   "complaint_answered": ("投诉按时答复", "Complaints answered on time")},
)
SITE_PAGE = 20


def _render(request: Request, name: str, http_status: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=http_status)


def _error(request: Request, exc: DomainError) -> HTMLResponse:
    return _render(request, "error.html", exc.status, status=exc.status, detail=exc.detail)


@router.get("/")
async def site_root(request: Request, session: SnapshotSessionDep, clock: ClockDep) -> HTMLResponse:
    return await site_home(request, session, clock)


@router.get("/site")
async def site_redirect() -> RedirectResponse:
    return RedirectResponse("/site/", status_code=308)


@router.get("/site/")
async def site_home(request: Request, session: SnapshotSessionDep, clock: ClockDep) -> HTMLResponse:
    page = await public_service.search(session, SearchFilters(), today=clock.today(), cursor=None, limit=SITE_PAGE)
    return _render(request, "home.html", latest=page.items)


@router.get("/site/search")
async def site_search(request: Request, session: SnapshotSessionDep, clock: ClockDep, q: str = "", type: str = "",
                      cursor: str | None = None) -> HTMLResponse:
    q = q.strip()[:100]
    record_type = type if type in {t.value for t in RecordType} else None
    filters = SearchFilters(uscc=validate_uscc(q) if is_valid_uscc(q) else None,
                            name=q if q and not is_valid_uscc(q) else None, record_type=record_type)
    try:
        page = await public_service.search(session, filters, today=clock.today(), cursor=cursor, limit=SITE_PAGE)
    except DomainError as exc:
        return _error(request, exc)
    return _render(request, "search.html", q=q, type=record_type or "", results=page.items,
                   next_cursor=page.next_cursor)


@router.get("/site/subjects/{uscc}")
async def site_subject(request: Request, session: SnapshotSessionDep, clock: ClockDep, uscc: str,
                       cursor: str | None = None) -> HTMLResponse:
    try:
        if not is_valid_uscc(uscc):
            raise NotFound(f"{uscc[:40]} 不是有效的统一社会信用代码 is not a valid USCC")
        view = await public_service.subject_history(session, validate_uscc(uscc), today=clock.today(),
                                                    cursor=cursor, limit=SITE_PAGE * 5)
    except DomainError as exc:
        return _error(request, exc)
    show_grade = request.app.state.settings.publish_grades and view.subject is not None and view.subject.grade
    groups: dict[str, list] = {}
    for pub in view.page.items:
        groups.setdefault(pub.record_type, []).append(pub)
    return _render(request, "subject.html", view=view, groups=groups, next_cursor=view.page.next_cursor,
                   grade=view.subject if show_grade else None)


@router.get("/site/records/{record_id}")
async def site_record(request: Request, session: SnapshotSessionDep, clock: ClockDep, record_id: str) -> HTMLResponse:
    try:
        pub = await public_service.record(session, record_id[:36], today=clock.today())
    except DomainError as exc:
        return _error(request, exc)
    return _render(request, "record.html", pub=pub)


@router.get("/site/draws/protocol")
async def site_draw_protocol(request: Request) -> HTMLResponse:
    return _render(request, "draw_protocol.html")


@router.get("/site/draws/{plan_id}")
async def site_draw(request: Request, session: SnapshotSessionDep, clock: ClockDep, plan_id: str) -> HTMLResponse:
    try:
        view = await public_service.draw(session, plan_id[:120], today=clock.today())
    except DomainError as exc:
        return _error(request, exc)
    verify_url = request.app.state.settings.draw_verify_url.format(plan_id=plan_id)
    return _render(request, "draw.html", view=view, plan_id=plan_id[:120], verify_url=verify_url, base=base_url(request))


@router.get("/site/efficiency")
async def site_efficiency(request: Request, session: SnapshotSessionDep, clock: ClockDep, month: str = "") -> HTMLResponse:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        month = month_of(clock.today())
    rows = await efficiency_service.efficiency(session, month)
    return _render(request, "efficiency.html", month=month, rows=rows)


@router.get("/site/robots.txt")
async def robots() -> Response:
    return Response("User-agent: *\nAllow: /site/\n", media_type="text/plain")
