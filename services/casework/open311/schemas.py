"""Open311 GeoReport v2 documents (JSON shapes; the XML form has the same fields) and the POST form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field


class Service(BaseModel):
    """One GeoReport v2 service: something one may complain about or report."""

    service_code: str = Field(examples=["food-safety"])
    service_name: str
    description: str
    metadata: bool = Field(description="true: GET services/{service_code} defines attributes")
    type: Literal["realtime"] = Field(description="realtime: the request is created at once")
    keywords: str
    group: str = Field(examples=["12315"])


class AttributeValue(BaseModel):
    key: str
    name: str


class Attribute(BaseModel):
    variable: bool = True
    code: str = Field(description="Send as the form field attribute[code]")
    datatype: Literal["string", "singlevaluelist"]
    required: bool
    datatype_description: str
    order: int
    description: str
    values: list[AttributeValue] = Field(default_factory=list)


class ServiceDefinition(BaseModel):
    service_code: str
    attributes: list[Attribute]


class RequestCreated(BaseModel):
    """The answer to POST requests (a list of one)."""

    service_request_id: str
    token: str = Field(description="Requests are created at once: the token is the service_request_id")
    service_notice: str
    account_id: str | None = Field(None, description="As sent; not kept")


class ServiceRequest(BaseModel):
    """A request as anyone may follow it. No name, phone, e-mail, device or account, and no text or
    place the reporter gave: a tip-off's words or location can tell who sent it."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str = Field(description="Where the department's handling stands, in fixed words")
    service_name: str
    service_code: str
    agency_responsible: str = Field(description="The department that handles the request")
    service_notice: str
    requested_datetime: str = Field(description="W3C datetime, Asia/Shanghai offset")
    updated_datetime: str
    expected_datetime: str | None = Field(description="The end of the day by which the department must "
                                                      "accept or refuse; null once it has answered")


class TokenAnswer(BaseModel):
    service_request_id: str
    token: str


class Open311Error(BaseModel):
    code: int = Field(description="The HTTP status")
    description: str = Field(description="Names the field and the rule")


@dataclass(frozen=True)
class RequestForm:
    """The fields of POST requests, as sent (strings); `attributes` from attribute[code]."""

    fields: dict[str, str]
    attributes: dict[str, str]


@dataclass(frozen=True)
class RequestFilter:
    """The query of GET requests, as sent."""

    service_request_id: str | None
    service_code: str | None
    start_date: str | None
    end_date: str | None
    status: str | None
    page: str | None
    page_size: str | None
