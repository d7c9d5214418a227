"""Event contracts: versioned payload models, one module per producing service.

Every event type is `sup.<producer>.<entity>.<verb_past_tense>`; its payload model is
registered with `@event_contract(type, version)`. A breaking change registers version 2
beside version 1 and the producer publishes both until consumers move.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

_REGISTRY: dict[tuple[str, int], type[EventPayload]] = {}
_PRODUCERS = ("credit", "inspection", "casework", "disclosure", "coordination", "platform")


class EventPayload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    event_type: ClassVar[str]
    event_version: ClassVar[int]

    @classmethod
    def dataschema(cls) -> str:
        return schema_uri(cls.event_type, cls.event_version)


def schema_uri(event_type: str, version: int) -> str:
    return f"urn:supervision:event:{event_type}:v{version}"


def parse_schema_uri(uri: str | None) -> tuple[str, int] | None:
    if not uri or not uri.startswith("urn:supervision:event:"):
        return None
    rest = uri.removeprefix("urn:supervision:event:")
    etype, _, ver = rest.rpartition(":v")
    return (etype, int(ver)) if ver.isdigit() else None


def event_contract(event_type: str, version: int = 1):
    def register(cls: type[EventPayload]) -> type[EventPayload]:
        parts = event_type.split(".")
        if len(parts) != 4 or parts[0] != "sup":
            raise ValueError(f"event type must read sup.<producer>.<entity>.<verb>: {event_type}")
        cls.event_type = event_type
        cls.event_version = version
        _REGISTRY[(event_type, version)] = cls
        return cls

    return register


def _load_all() -> None:
    for producer in _PRODUCERS:
        try:
            importlib.import_module(f"shared.contracts.{producer}")
        except ModuleNotFoundError as exc:
            if exc.name != f"shared.contracts.{producer}":
                raise


def contract_for(event_type: str, version: int) -> type[EventPayload] | None:
    if not _REGISTRY:
        _load_all()
    return _REGISTRY.get((event_type, version))


def all_contracts() -> dict[tuple[str, int], type[EventPayload]]:
    _load_all()
    return dict(_REGISTRY)


def parse_payload(event_type: str, version: int, data: dict[str, Any]) -> EventPayload:
    model = contract_for(event_type, version)
    if model is None:
        raise LookupError(f"no contract for {event_type} v{version}")
    return model.model_validate(data)
