"""The AsyncAPI 3.0 document of the platform's events, generated from the contract registry.

Nothing here is written by hand per event: every `@event_contract` in `shared/contracts/` is a
message (one per type and version), every event type a channel (its NATS subject) with a `send`
operation of the producing service. Payload schemas are the pydantic models' JSON schemas; their
shared definitions (enums such as `RecordKind`) go to `components/schemas`, prefixed by the
producer when two producers define a name differently. Headers are the CloudEvents 1.0 binary-mode
attributes the envelope (`shared.bus.envelope`) writes, with `ce-type` and `ce-dataschema` fixed
per message. A contract added or changed appears on the next start without touching this file.
"""

from __future__ import annotations

import hashlib
import json
import re
from html import escape
from typing import Any
from urllib.parse import urlsplit

from gateway.docs.reference import STYLE, json_block
from shared.bus.envelope import CONTENT_TYPE, SPECVERSION
from shared.bus.streams import stream_name
from shared.contracts import EventPayload, all_contracts, schema_uri

ASYNCAPI_VERSION = "3.0.0"
_LOCAL_REF = re.compile(r"^#/\$defs/(.+)$")
PRODUCER_NOTES = {
    "credit": "the municipal public credit information platform (registry, records, lists, grades)",
    "inspection": "random inspection: plans, draws, results",
    "casework": "cases, decisions and their revocation",
    "disclosure": "publication of records to the public",
    "coordination": "the catalogue of departments, matters and entrustments",
    "platform": "the bus's own probes (no business meaning; tests and benchmarks)",
}


def message_key(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}"


def cloudevents_headers(event_type: str, version: int) -> dict[str, Any]:
    """The NATS headers of one message: CloudEvents 1.0 in binary mode, as the envelope writes them."""
    producer = event_type.split(".")[1]
    return {
        "type": "object",
        "description": "CloudEvents 1.0 attributes as NATS headers (binary content mode); the body is the payload.",
        "required": ["ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "ce-datacontenttype",
                     "ce-dataschema", "Nats-Msg-Id"],
        "properties": {
            "ce-specversion": {"type": "string", "const": SPECVERSION},
            "ce-id": {"type": "string", "description": "event id (UUIDv7); the same id is never a second event"},
            "ce-source": {"type": "string", "const": f"/supervision/{producer}"},
            "ce-type": {"type": "string", "const": event_type},
            "ce-time": {"type": "string", "format": "date-time", "description": "when it happened, UTC"},
            "ce-datacontenttype": {"type": "string", "const": CONTENT_TYPE},
            "ce-dataschema": {"type": "string", "const": schema_uri(event_type, version),
                              "description": "type and version of the payload contract"},
            "ce-subject": {"type": "string", "description": "the entity the event is about (e.g. a USCC), when set"},
            "traceparent": {"type": "string", "description": "W3C trace context of the request that caused it"},
            "Nats-Msg-Id": {"type": "string", "description": "equals ce-id: JetStream drops a duplicate inside "
                                                             "its duplicate window"},
        },
    }


def _rewrite_refs(node: Any, rename: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            m = _LOCAL_REF.match(v) if k == "$ref" and isinstance(v, str) else None
            out[k] = f"#/components/schemas/{rename[m.group(1)]}" if m else _rewrite_refs(v, rename)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, rename) for v in node]
    return node


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def payload_schemas(contracts: dict[tuple[str, int], type[EventPayload]]) -> tuple[
        dict[tuple[str, int], dict[str, Any]], dict[str, Any]]:
    """Each contract's payload schema with its definitions hoisted into shared component schemas."""
    raw = {key: model.model_json_schema() for key, model in contracts.items()}
    meanings: dict[str, set[str]] = {}
    for schema in raw.values():
        for name, definition in schema.get("$defs", {}).items():
            meanings.setdefault(name, set()).add(_canonical(definition))
    clashing = {name for name, defs in meanings.items() if len(defs) > 1}
    components: dict[str, Any] = {}
    payloads: dict[tuple[str, int], dict[str, Any]] = {}
    for (event_type, version), schema in sorted(raw.items()):
        producer = event_type.split(".")[1]
        defs = schema.pop("$defs", {})
        rename = {n: f"{producer}_{n}" if n in clashing else n for n in defs}
        for name, definition in defs.items():
            components[rename[name]] = _rewrite_refs(definition, rename)
        payloads[(event_type, version)] = _rewrite_refs(schema, rename)
    return payloads, components


def build_asyncapi(bus_url: str = "nats://127.0.0.1:4222",
                   contracts: dict[tuple[str, int], type[EventPayload]] | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0 document for every registered contract (all of them unless given)."""
    contracts = all_contracts() if contracts is None else contracts
    payloads, schemas = payload_schemas(contracts)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for (event_type, version), model in sorted(contracts.items()):
        _, producer, entity, verb = event_type.split(".")
        key = message_key(event_type, version)
        doc = " ".join((model.__doc__ or "").split())
        messages[key] = {
            "name": event_type,
            "title": f"{event_type} v{version}",
            "summary": doc or f"{entity} {verb.replace('_', ' ')} ({producer})",
            "contentType": CONTENT_TYPE,
            "headers": cloudevents_headers(event_type, version),
            "payload": payloads[(event_type, version)],
            "x-event-version": version,
            "x-contract": f"shared.contracts.{producer}.{model.__name__}",
        }
        channel = channels.setdefault(event_type, {
            "address": event_type,
            "title": event_type,
            "description": f"Published by {producer} ({PRODUCER_NOTES.get(producer, producer)}) to the "
                           f"JetStream stream {stream_name(producer)}, only after the change it reports "
                           "committed (outbox). Every version of the contract is a message of this channel.",
            "messages": {},
        })
        channel["messages"][key] = {"$ref": f"#/components/messages/{key}"}
    for event_type, channel in channels.items():
        producer = event_type.split(".")[1]
        operations[f"{event_type}.send"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{event_type}"},
            "title": f"{producer} publishes {event_type}",
            "messages": [{"$ref": f"#/channels/{event_type}/messages/{k}"} for k in channel["messages"]],
        }
    digest = hashlib.sha256(_canonical([channels, messages, schemas]).encode()).hexdigest()[:12]
    # Host and port only: a bus URL may carry credentials.
    first = urlsplit(bus_url.split(",")[0])
    host = f"{first.hostname}:{first.port or 4222}"
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:supervision:events",
        "info": {
            "title": "Supervision platform events",
            "version": f"1.0.0+contracts.{digest}",
            "description": (
                "Every event the platform's services publish, generated from the contract registry "
                "(`shared/contracts/`). Subjects read `sup.<producer>.<entity>.<verb_past_tense>`; each "
                "message is a CloudEvents 1.0 event in NATS binary mode: attributes as `ce-*` headers, the "
                "JSON payload as the body. A breaking change is published as a new version beside the old "
                "one (`ce-dataschema` names it). No payload carries personal data in clear. The bus is "
                "internal: outside systems follow the public feeds (`/public/feed.json`, `/public/feed.atom`)."),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {"bus": {"host": host, "protocol": "nats", "description":
                            "The platform's NATS JetStream (inside the platform's network only)."}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def render_asyncapi_page(doc: dict[str, Any]) -> str:
    """The AsyncAPI document as one HTML page: channels, headers and payload schemas (no scripts, no CDN)."""
    info, messages = doc["info"], doc["components"]["messages"]
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(info['title'])}</title>",
           f"<style>{STYLE}</style></head><body><h1>{escape(info['title'])} <small>{escape(info['version'])}</small></h1>",
           f"<p>{escape(info['description'])}</p>",
           ("<p>Machine-readable (AsyncAPI 3.0): <a href='/asyncapi.json'>/asyncapi.json</a>. The HTTP API: "
            "<a href='/docs'>/docs</a>.</p>"),
           "<table><tr><th>channel (NATS subject)</th><th>versions</th><th>summary</th></tr>"]
    for address, channel in doc["channels"].items():
        keys = list(channel["messages"])
        out.append(f"<tr><td><a href='#{escape(address)}'><code>{escape(address)}</code></a></td>"
                   f"<td>{escape(', '.join('v' + str(messages[k]['x-event-version']) for k in keys))}</td>"
                   f"<td>{escape(messages[keys[-1]]['summary'])}</td></tr>")
    out.append("</table>")
    for address, channel in doc["channels"].items():
        out.append(f"<h2 id='{escape(address)}'>{escape(address)}</h2><p>{escape(channel['description'])}</p>")
        for key in channel["messages"]:
            m = messages[key]
            out.append(f"<div class='op'><h3>{escape(m['title'])}</h3><p>{escape(m['summary'])}</p>"
                       f"<p class='who'>contract <code>{escape(m['x-contract'])}</code></p>"
                       "<table><tr><th>header</th><th>required</th><th>value</th></tr>")
            headers = m["headers"]
            for name, prop in headers["properties"].items():
                value = f"<code>{escape(prop['const'])}</code>" if "const" in prop else escape(prop.get("description", ""))
                out.append(f"<tr><td><code>{escape(name)}</code></td>"
                           f"<td>{'yes' if name in headers['required'] else 'no'}</td><td>{value}</td></tr>")
            out.append(f"</table><p>Payload:</p><pre>{json_block(m['payload'])}</pre></div>")
    if doc["components"]["schemas"]:
        out.append("<h2 id='schemas'>Shared schemas</h2>")
        for name, schema in doc["components"]["schemas"].items():
            out.append(f"<h3 id='schema-{escape(name)}'>{escape(name)}</h3><pre>{json_block(schema)}</pre>")
    out.append("</body></html>")
    return "".join(out)
