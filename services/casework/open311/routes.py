"""Routes: Open311 GeoReport v2 (json and xml), at /open311/v2/ (through the gateway:
/casework/open311/v2/). Errors here are GeoReport's `[{code, description}]`, not problem+json:
`Open311Route` renders every refusal of these routes so, in the format the path asked for."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile

from services.casework.open311 import service as open311
from services.casework.open311.schemas import (
    Open311Error,
    RequestCreated,
    RequestFilter,
    RequestForm,
    Service,
    ServiceDefinition,
    ServiceRequest,
    TokenAnswer,
)
from shared.errors import DomainError, Unprocessable
from shared.open311 import MEDIA_TYPES, error_body, format_of, render
from shared.web import PrincipalDep, SessionDep, SnapshotSessionDep

ROOT = "/open311/v2"
_ATTRIBUTE = re.compile(r"attribute\[([^\]]+)\]\Z")
_WHERE = re.compile(r"^(body|query|path)\.")


def _descriptions(exc: DomainError) -> list[str]:
    if exc.errors:
        return [f"{_WHERE.sub('', str(e['field']))}: {e['message']}" for e in exc.errors]
    return [exc.detail]


def error_response(exc: DomainError, path: str) -> Response:
    """A refusal as GeoReport v2 errors; invalid input (422 on the native API) is its 400."""
    status = 400 if exc.status == 422 else exc.status
    body, media_type = error_body(format_of(path), [(status, d) for d in _descriptions(exc)])
    return Response(body, status_code=status, media_type=media_type)


class Open311Route(APIRoute):
    """Every error raised while answering (validation, domain, authentication) in GeoReport's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except DomainError as exc:
                return error_response(exc, request.url.path)
            except RequestValidationError as exc:
                errors = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                          for e in exc.errors()]
                return error_response(Unprocessable("invalid request", errors=errors), request.url.path)
            except Exception as exc:
                status = getattr(exc, "status", None)
                if not (isinstance(status, int) and 400 <= status < 500):
                    raise  # a bug: the app's handler logs it and answers 500
                error = DomainError(str(getattr(exc, "detail", exc)))
                error.status = status
                return error_response(error, request.url.path)

        return answer


router = APIRouter(prefix=ROOT, tags=["open311"], route_class=Open311Route)
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": list[Open311Error], "description": description, "content": {"text/xml": {}}}
    for code, description in {
        400: "Invalid input: each error names the field and the rule", 401: "The bearer token (from the api_key) is invalid",
        403: "No api_key, or not an intake client's", 404: "No such service, request or token",
        409: "Conflicts with the current state", 422: "Not sent: invalid input is answered 400",
    }.items()}
Format = Annotated[str, "json or xml"]
Jurisdiction = Annotated[str | None, Query(description=f"Optional; this endpoint serves {open311.JURISDICTION_ID}")]
BOTH = {"content": {"application/json": {}, "text/xml": {}}}


def _format(fmt: str) -> str:
    if fmt not in MEDIA_TYPES:
        raise Unprocessable.field("format", "json_or_xml", f"ask for .json or .xml, not .{fmt}")
    return fmt


def _answer(fmt: str, root: str, document: Any, status: int = 200) -> Response:
    return Response(render(fmt, root, document), status_code=status, media_type=MEDIA_TYPES[fmt])


def _dump(items: list[Any]) -> list[dict[str, Any]]:
    return [i.model_dump() for i in items]


@router.get("/services.{format}", summary="GeoReport v2: the service list", response_model=list[Service],
            responses={200: BOTH, **ERRORS},
            description="What one may complain about or report. Every service has attributes "
                        "(`metadata: true`): read its definition.")
async def open311_services(format: Format, jurisdiction_id: Jurisdiction = None) -> Response:
    fmt = _format(format)
    open311.check_jurisdiction(jurisdiction_id)
    return _answer(fmt, "services", _dump(open311.services()))


@router.get("/services/{service_code}.{format}", summary="GeoReport v2: a service definition",
            response_model=ServiceDefinition, responses={200: BOTH, **ERRORS},
            description="The attributes to send as `attribute[code]` with POST requests.")
async def open311_service_definition(service_code: str, format: Format, jurisdiction_id: Jurisdiction = None) -> Response:
    fmt = _format(format)
    open311.check_jurisdiction(jurisdiction_id)
    return _answer(fmt, "service_definition", open311.definition(service_code).model_dump())


POST_EXAMPLE = ("api_key=hotline-demo-intake%3ASECRET&service_code=food-safety&description=Expired+milk+on+sale"
                "&address_string=%E4%B8%8A%E6%B5%B7%E5%B8%82%E9%BB%84%E6%B5%A6%E5%8C%BA&first_name=Wei"
                "&last_name=Wang&phone=13800000000&attribute%5Brequest_kind%5D=tip_off")


@router.post("/requests.{format}", status_code=201, summary="GeoReport v2: create a service request",
             response_model=list[RequestCreated], responses={201: BOTH, **ERRORS},
             description="Form-encoded. `api_key` is an intake client's credential, `client_id:client_secret` "
                         "(the gateway checks it and forwards the call as that client). Routed to the competent "
                         "department by `service_code`; it accepts or refuses within 7 working days. Contact "
                         "fields are kept apart and shown only to that department's case officers; "
                         "`device_id` and `account_id` are accepted and not kept.",
             openapi_extra={"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {
                 "schema": {"type": "object", "properties": {
                     f: {"type": "string"} for f in ("api_key", "jurisdiction_id", "service_code", "lat", "long",
                                                     "address_string", "description", "media_url", "first_name",
                                                     "last_name", "email", "phone", "device_id", "account_id")},
                     "required": ["service_code"], "additionalProperties": {"type": "string"}},
                 "example": POST_EXAMPLE}}}})
async def open311_create_request(format: Format, request: Request, session: SessionDep, principal: PrincipalDep) -> Response:
    fmt = _format(format)
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise Unprocessable.field("body", "form_encoded", "send the request as application/x-www-form-urlencoded")
    fields: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for key, value in (await request.form()).multi_items():
        if isinstance(value, UploadFile):
            raise Unprocessable.field(key, "no_upload", "uploads are not taken; give media_url")
        match = _ATTRIBUTE.match(key)
        target, name = (attributes, match.group(1)) if match else (fields, key)
        if name in target:
            raise Unprocessable.field(key, "once", "given more than once")
        target[name] = value
    if "api_key" in fields:
        raise Unprocessable.field("api_key", "exchanged_at_gateway", "send the request through the gateway")
    created = await open311.submit(session, principal, RequestForm(fields=fields, attributes=attributes))
    await session.commit()
    return _answer(fmt, "service_requests", [created.model_dump()], status=201)


@router.get("/requests.{format}", summary="GeoReport v2: service requests",
            response_model=list[ServiceRequest], responses={200: BOTH, **ERRORS},
            description="Newest first. `service_request_id` (comma-separated, at most 100) overrides every other "
                        "filter; otherwise requests received between `start_date` and `end_date` (W3C, at most "
                        "90 days apart, the last 90 days by default), of `service_code` (comma-separated) and "
                        "`status` (open, closed). `page_size` (1-1000, default 200) and `page` page through. "
                        "No request shows who sent it, nor the text, place or media given.")
async def open311_requests(format: Format, session: SnapshotSessionDep, service_request_id: str | None = None,
                        service_code: str | None = None, start_date: str | None = None, end_date: str | None = None,
                        status: str | None = None, page: str | None = None, page_size: str | None = None,
                        jurisdiction_id: Jurisdiction = None) -> Response:
    fmt = _format(format)
    found = await open311.list_requests(session, RequestFilter(
        service_request_id=service_request_id, service_code=service_code, start_date=start_date,
        end_date=end_date, status=status, page=page, page_size=page_size), jurisdiction_id)
    return _answer(fmt, "service_requests", _dump(found))


@router.get("/requests/{service_request_id}.{format}", summary="GeoReport v2: one service request",
            response_model=list[ServiceRequest], responses={200: BOTH, **ERRORS},
            description="A list of one, as the standard answers. `status` is open until the department refused "
                        "the request or its case ended; `expected_datetime` is the answer deadline.")
async def open311_request(service_request_id: str, format: Format, session: SnapshotSessionDep,
                      jurisdiction_id: Jurisdiction = None) -> Response:
    fmt = _format(format)
    found = await open311.request(session, service_request_id, jurisdiction_id)
    return _answer(fmt, "service_requests", [found.model_dump()])


@router.get("/tokens/{token}.{format}", summary="GeoReport v2: the request of a token",
            response_model=list[TokenAnswer], responses={200: BOTH, **ERRORS},
            description="Requests are created at once, so the token POST requests answered is the request id.")
async def open311_token(token: str, format: Format, session: SnapshotSessionDep,
                    jurisdiction_id: Jurisdiction = None) -> Response:
    fmt = _format(format)
    found = await open311.token(session, token, jurisdiction_id)
    return _answer(fmt, "service_requests", [found.model_dump()])
