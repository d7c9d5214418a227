"""Structured logs: one JSON object a line, with the service, request id and trace id."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from shared.tracing import request_id_var, traceparent_var


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if rid := request_id_var.get():
            entry["request_id"] = rid
        if tp := traceparent_var.get():
            entry["trace_id"] = tp.split("-")[1] if tp.count("-") == 3 else tp
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        for key, value in getattr(record, "fields", {}).items():
            entry[key] = value
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(service: str, level: str = "INFO", as_json: bool = True) -> None:
    root = logging.getLogger()
    if getattr(root, "_supervision_configured", None) == service:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service) if as_json else logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root._supervision_configured = service  # type: ignore[attr-defined]
    logging.getLogger("nats").setLevel(logging.WARNING)
