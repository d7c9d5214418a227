"""CloudEvents 1.0 envelope in NATS binary mode: attributes as `ce-*` headers, data as the body."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.contracts import EventPayload, parse_payload, parse_schema_uri

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    source: str
    time: datetime
    data: dict[str, Any]
    version: int = 1
    subject: str | None = None  # the CloudEvents `subject`: the entity the event is about
    traceparent: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def nats_subject(self) -> str:
        return self.type

    def payload(self) -> EventPayload:
        return parse_payload(self.type, self.version, self.data)

    def headers(self) -> dict[str, str]:
        h = {
            "ce-specversion": SPECVERSION,
            "ce-id": self.id,
            "ce-source": self.source,
            "ce-type": self.type,
            "ce-time": self.time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "ce-datacontenttype": CONTENT_TYPE,
            "ce-dataschema": f"urn:supervision:event:{self.type}:v{self.version}",
            # JetStream drops a second message with the same id inside the duplicate window.
            "Nats-Msg-Id": self.id,
        }
        if self.subject:
            h["ce-subject"] = self.subject
        if self.traceparent:
            h["traceparent"] = self.traceparent
        h.update(self.extra_headers)
        return h

    def body(self) -> bytes:
        return encode_data(self.data)

    @classmethod
    def from_nats(cls, headers: dict[str, str] | None, body: bytes) -> Event:
        h = headers or {}
        missing = [k for k in ("ce-id", "ce-type", "ce-source", "ce-specversion") if k not in h]
        if missing:
            raise ValueError(f"not a CloudEvent: missing {', '.join(missing)}")
        if h["ce-specversion"] != SPECVERSION:
            raise ValueError(f"unsupported CloudEvents specversion {h['ce-specversion']}")
        parsed = parse_schema_uri(h.get("ce-dataschema"))
        data = json.loads(body) if body else {}
        if not isinstance(data, dict):
            raise ValueError("event data must be a JSON object")
        return cls(
            id=h["ce-id"],
            type=h["ce-type"],
            source=h["ce-source"],
            time=datetime.fromisoformat(h.get("ce-time", datetime.now(UTC).isoformat()).replace("Z", "+00:00")),
            data=data,
            version=parsed[1] if parsed else 1,
            subject=h.get("ce-subject"),
            traceparent=h.get("traceparent"),
        )


def encode_data(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode()
