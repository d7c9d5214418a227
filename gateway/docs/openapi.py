"""The merged OpenAPI document: every service's API as the gateway exposes it, plus the gateway's own.

`merge_documents` is pure: paths get the service prefix (`/credit/subjects/{uscc}`),
operation ids always get the service name (`credit_register_subject`, stable whatever else
is merged), tags read `credit: subjects`. Component names that mean different things in
two documents are prefixed in every document that defines them (`credit_Subject`), so a
name does not depend on merge order; identical definitions (Problem, ValidationError) are
shared. `$ref`s are rewritten to match. Only operations the policy can reach are listed;
each protected one carries the OAuth2 client-credentials and bearer-JWT security
requirements and an `x-policy` note (which rules and roles grant it); public ones carry none.
For client generators: no two component schemas share a title (a class name), problem
responses carry their schema under application/problem+json, and `info.version` is PEP 440
(the policy version, as written, is `info.x-policy-version`).

`MergedOpenAPI` fetches the upstream documents lazily, caches them, refreshes on demand and
marks an upstream that did not answer (its operations are then missing and `x-upstreams`
says why).
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from gateway.access.policy import Policy
from shared.app import PROBLEM_JSON
from shared.auth import PUBLIC

SERVICES = ("credit", "inspection", "casework", "disclosure", "coordination")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_REF = re.compile(r"^#/components/([A-Za-z]+)/(.+)$")
_PARAM = re.compile(r"\{[^}]+\}")
PROTECTED = [{"oauth2": []}, {"bearerJWT": []}]
SECURITY_SCHEMES = {
    "oauth2": {
        "type": "oauth2",
        "description": "OAuth2 client credentials: POST client_id and client_secret (HTTP Basic or "
                       "form) to /oauth/token for a short-lived ES256 access token.",
        "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}},
    },
    "bearerJWT": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                  "description": "An access token from /oauth/token, sent as `Authorization: Bearer <jwt>`."},
    "clientBasic": {"type": "http", "scheme": "basic",
                    "description": "client_id and client_secret, for the token endpoint only."},
}


def _walk_refs(node: Any, rename: Callable[[str, str], str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                m = _REF.match(v)
                out[k] = f"#/components/{m.group(1)}/{rename(m.group(1), m.group(2))}" if m else v
            else:
                out[k] = _walk_refs(v, rename)
        return out
    if isinstance(node, list):
        return [_walk_refs(v, rename) for v in node]
    return node


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


SAMPLE_USCC = "91110000600037341L"


def sample_path(template: str) -> str:
    """A concrete path the policy can match: `{uscc}` a valid USCC, any other `{param}` one segment."""
    return _PARAM.sub(lambda m: SAMPLE_USCC if m.group(0) == "{uscc}" else "x", template)


def policy_note(policy: Policy, method: str, gateway_path: str) -> dict[str, Any] | None:
    """What the policy says of an operation; None when no policy route covers it."""
    path = sample_path(gateway_path)
    route = policy.match(method, path)
    if route is None:
        return None
    public = policy.decide(PUBLIC, method, path).allowed
    roles = sorted({r for rule in route.rules if "department" in rule.kinds for r in rule.roles if r != "*"})
    services = sorted({d for rule in route.rules if "service" in rule.kinds for d in rule.departments})
    note: dict[str, Any] = {"public": public, "route_groups": sorted(route.groups),
                            "rules": [r.id for r in route.rules]}
    if roles:
        note["department_roles"] = roles
    if services:
        note["service_clients"] = services
    return note


def pep440_version(version: str) -> str:
    """A version string as PEP 440 (a generated client's package takes the document's version):
    the policy's `2026-11-27.1` reads `2026.11.27.1`."""
    return ".".join(str(int(n)) for n in re.findall(r"\d+", version)) or "0"


def unique_titles(schemas: dict[str, Any]) -> None:
    """Give every component schema a name of its own: client generators name a class after a
    schema's `title`, so two components both titled `RecordPage` would leave one without a class."""
    names = Counter(s.get("title") or key for key, s in schemas.items() if isinstance(s, dict))
    for key, schema in schemas.items():
        if isinstance(schema, dict) and names[schema.get("title") or key] > 1:
            schema["title"] = key


def problem_bodies(op: dict[str, Any]) -> None:
    """Put each problem response's schema under application/problem+json, the type it is sent as
    (the services document it under application/json), so clients parse error bodies."""
    for status, response in (op.get("responses") or {}).items():
        content = response.get("content") or {}
        if str(status)[:1] in "45" and PROBLEM_JSON in content and "application/json" in content \
                and "schema" not in content[PROBLEM_JSON]:
            content[PROBLEM_JSON] = {**content.pop("application/json"), **content[PROBLEM_JSON]}


GATEWAY_PROBLEMS = {401: "No or invalid bearer token (the gateway)", 403: "Not permitted for this caller (policy)",
                    404: "Not found", 413: "Body too large (the gateway's limit)",
                    422: "Invalid input: `errors` names each field and rule", 429: "Too many requests (Retry-After)"}


def gateway_problems(op: dict[str, Any], gateway_path: str, public: bool) -> None:
    """Document the problems the gateway itself can answer an operation with, beside the service's
    own: 429 on any call, 413 on a body, 401/403 off the public routes, 404 with a path parameter,
    422 with any input."""
    responses = op.setdefault("responses", {})
    schema = next((r["content"][PROBLEM_JSON]["schema"] for code, r in responses.items()
                   if str(code)[:1] == "4" and "schema" in ((r.get("content") or {}).get(PROBLEM_JSON) or {})),
                  {"$ref": "#/components/schemas/Problem"})
    codes = [429]
    if "requestBody" in op:
        codes.append(413)
    if not public:
        codes += [401, 403]
    if "{" in gateway_path:
        codes.append(404)
    if op.get("parameters") or "requestBody" in op:
        codes.append(422)
    for code in codes:
        responses.setdefault(str(code), {"description": GATEWAY_PROBLEMS[code],
                                         "content": {PROBLEM_JSON: {"schema": copy.deepcopy(schema)}}})


def merge_documents(specs: dict[str, dict[str, Any] | None], own: dict[str, Any], policy: Policy,
                    upstream_status: dict[str, dict[str, Any]] | None = None,
                    prefixes: dict[str, str] | None = None) -> dict[str, Any]:
    """Merge service documents (name -> spec or None when down) and the gateway's own."""
    prefixes = prefixes or {name: f"/{name}" for name in specs}
    docs: dict[str, dict[str, Any]] = {n: s for n, s in specs.items() if s}
    docs["gateway"] = own

    # Which component names collide with a different meaning somewhere: prefix those everywhere.
    seen: dict[tuple[str, str], set[str]] = {}
    for doc in docs.values():
        for section, items in (doc.get("components") or {}).items():
            if section == "securitySchemes":
                continue
            for name, value in items.items():
                seen.setdefault((section, name), set()).add(_canonical(value))
    clashing = {key for key, defs in seen.items() if len(defs) > 1}

    merged_components: dict[str, dict[str, Any]] = {"securitySchemes": copy.deepcopy(SECURITY_SCHEMES)}
    paths: dict[str, Any] = {}
    tags: list[dict[str, Any]] = []
    skipped: list[str] = []
    for service, doc in docs.items():
        def rename(section: str, name: str, _service: str = service) -> str:
            return f"{_service}_{name}" if (section, name) in clashing else name

        for section, items in (doc.get("components") or {}).items():
            if section == "securitySchemes":
                continue
            target = merged_components.setdefault(section, {})
            for name, value in items.items():
                target[rename(section, name)] = _walk_refs(value, rename)

        tag_names: dict[str, str] = {}
        for tag in doc.get("tags") or []:
            tag_names[tag["name"]] = f"{service}: {tag['name']}"
            tags.append({**tag, "name": tag_names[tag["name"]]})
        prefix = "" if service == "gateway" else prefixes[service]
        for path, item in (doc.get("paths") or {}).items():
            gateway_path = prefix + path
            out_item: dict[str, Any] = {}
            for key, op in item.items():
                if key not in HTTP_METHODS:
                    out_item[key] = _walk_refs(op, rename)
                    continue
                op = _walk_refs(op, rename)
                problem_bodies(op)
                if service != "gateway":
                    note = policy_note(policy, key.upper(), gateway_path)
                    if note is None:
                        skipped.append(f"{key.upper()} {gateway_path}")
                        continue
                    op["x-policy"] = note
                    op.pop("security", None)
                    if not note["public"]:
                        op["security"] = copy.deepcopy(PROTECTED)
                    gateway_problems(op, gateway_path, note["public"])
                if "operationId" in op:
                    op["operationId"] = f"{service}_{op['operationId']}"
                new_tags = []
                for t in op.get("tags") or []:
                    if t not in tag_names:
                        tag_names[t] = f"{service}: {t}"
                        tags.append({"name": tag_names[t]})
                    new_tags.append(tag_names[t])
                op["tags"] = new_tags or [f"{service}"]
                out_item[key] = op
            if any(k in HTTP_METHODS for k in out_item):
                paths[gateway_path] = out_item
    known = {t["name"] for t in tags}
    for op_tags in (op.get("tags", []) for item in paths.values() for k, op in item.items() if k in HTTP_METHODS):
        for t in op_tags:
            if t not in known:
                tags.append({"name": t})
                known.add(t)

    unique_titles(merged_components.get("schemas", {}))
    status = upstream_status or {}
    lines = [f"- **{n}** (`{prefixes.get(n, '/' + n)}/...`): "
             + ("available" if specs.get(n) else f"NOT AVAILABLE ({status.get(n, {}).get('error', 'no document')})")
             for n in specs]
    description = (
        "Every service of the supervision platform, as the gateway exposes it. The gateway is "
        "the only door: it authenticates the caller (OAuth2 client credentials at `/oauth/token`, "
        "then `Authorization: Bearer <jwt>`; the public is anonymous), checks the access policy "
        f"(version {policy.version}, deny by default), audits every call about a company, and "
        "forwards. Besides each operation's own problems, any call may get 401, 403 (naming the "
        "missing permission), 413 (body too large), 422 (`limit` above the page-size cap), "
        "429 (with Retry-After), 502, 503 (service down) or 504 (service timeout), all as "
        "RFC 9457 application/problem+json.\n\nThe public site is also reachable at `/` and "
        "`/site/...`, and the disclosure public API at `/public/...`.\n\nServices:\n" + "\n".join(lines)
    )
    return {
        "openapi": "3.1.0",
        "info": {"title": "Supervision platform API", "version": pep440_version(policy.version),
                 "x-policy-version": policy.version, "description": description},
        "paths": dict(sorted(paths.items())),
        "components": merged_components,
        "tags": tags,
        "x-upstreams": status,
        "x-unreachable-operations": skipped,
    }


class MergedOpenAPI:
    """Fetches the services' documents (lazily, cached) and serves the merged one."""

    def __init__(self, upstreams: dict[str, str], policy: Policy, own: Callable[[], dict[str, Any]], *,
                 cache_seconds: float = 300.0, retry_seconds: float = 10.0, fetch_timeout: float = 5.0):
        self.upstreams = upstreams
        self.policy = policy
        self.own = own
        self.cache_seconds = cache_seconds
        self.retry_seconds = retry_seconds
        self.fetch_timeout = fetch_timeout
        self._docs: dict[str, dict[str, Any] | None] = {}
        self._status: dict[str, dict[str, Any]] = {}
        self._fetched_at: dict[str, float] = {}
        self._merged: dict[str, Any] | None = None
        self._merged_bytes: bytes | None = None
        self._lock = asyncio.Lock()

    def _stale(self, name: str, now: float) -> bool:
        at = self._fetched_at.get(name)
        if at is None:
            return True
        limit = self.cache_seconds if self._docs.get(name) else self.retry_seconds
        return now - at > limit

    async def _fetch(self, client: httpx.AsyncClient, name: str) -> None:
        url = f"{self.upstreams[name]}/openapi.json"
        try:
            resp = await client.get(url)
            resp.raise_for_status()
            doc = resp.json()
            self._docs[name] = doc
            self._status[name] = {"status": "up", "version": doc.get("info", {}).get("version")}
        except (httpx.HTTPError, ValueError) as exc:
            # Keep the last good document of a service that went down, and say so.
            self._status[name] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300],
                                  "serving_cached": bool(self._docs.get(name))}
            self._docs.setdefault(name, None)
        self._fetched_at[name] = time.monotonic()

    async def document(self, refresh: bool = False) -> dict[str, Any]:
        async with self._lock:
            now = time.monotonic()
            due = [n for n in self.upstreams if refresh or self._stale(n, now)]
            if due:
                async with httpx.AsyncClient(timeout=self.fetch_timeout) as client:
                    await asyncio.gather(*(self._fetch(client, n) for n in due))
            if due or self._merged is None:
                self._merged = merge_documents({n: self._docs.get(n) for n in self.upstreams}, self.own(),
                                               self.policy, dict(self._status))
                self._merged_bytes = json.dumps(self._merged, ensure_ascii=False).encode()
            return self._merged

    async def document_bytes(self, refresh: bool = False) -> bytes:
        await self.document(refresh)
        assert self._merged_bytes is not None
        return self._merged_bytes
