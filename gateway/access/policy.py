"""The gateway's access policy: declarative (policy.yaml), versioned, deny by default.

`Policy.decide(principal, method, path)` answers whether a caller may make a request and,
when not, which permission it lacks. Path templates are compiled to regexes once and
indexed by (method, first path segment), so a decision scans only a handful of routes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from shared.auth import PUBLIC, Principal
from shared.contracts.roles import DEPARTMENT_ROLES

DEFAULT_POLICY_PATH = Path(__file__).with_name("policy.yaml")
KINDS = frozenset({"department", "service", "public"})
KNOWN_ROLES = DEPARTMENT_ROLES
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
READ_METHODS = frozenset({"GET"})
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::(path|uscc))?\}")
# What a typed parameter matches: `{x:path}` the rest of the path, `{x:uscc}` an 18-character
# unified social credit code (so `/credit/subjects/imports` never passes for a subject).
_PARAM_REGEX = {None: "[^/]+", "path": ".+", "uscc": "[0-9A-Za-z]{18}"}
_TYPED_USCC = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*):uscc\}")


class PolicyError(ValueError):
    """The policy file is inconsistent; raised at load time, never per request."""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule_id: str | None
    missing: str = ""
    route: str | None = None  # matched path template, for the audit record
    group: str | None = None  # the route group the granting rule allowed: the call's purpose


@dataclass(frozen=True)
class Rule:
    id: str
    kinds: frozenset[str]
    departments: frozenset[str]  # {"*"} = any
    roles: frozenset[str]  # {"*"} = any (or no) role
    groups: frozenset[str]

    def applies_to(self, p: Principal) -> bool:
        if p.kind not in self.kinds:
            return False
        if p.kind == "public":
            return True
        if "*" not in self.departments and p.department not in self.departments:
            return False
        return "*" in self.roles or bool(self.roles & p.roles)


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    regex: re.Pattern[str]
    groups: frozenset[str]
    rules: tuple[Rule, ...]  # rules granting any of `groups`, in file order
    granted: tuple[str, ...] = ()  # per rule above: the route group it grants here


def compile_template(template: str) -> re.Pattern[str]:
    """`/credit/subjects/{id}` -> one segment per `{name}`; `{rest:path}` -> the rest; `{uscc:uscc}` -> a USCC."""
    if not template.startswith("/"):
        raise PolicyError(f"path template must start with '/': {template}")
    out, pos = [], 0
    for m in _PARAM.finditer(template):
        out.append(re.escape(template[pos : m.start()]))
        out.append(_PARAM_REGEX[m.group(2)])
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out) + r"\Z")


def _first_segment(path: str) -> str:
    return path[1:].split("/", 1)[0]


def _as_set(value: Any, default: str | None = None) -> frozenset[str]:
    if value is None:
        return frozenset({default}) if default else frozenset()
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(str(v) for v in value)


def _unsafe_path(path: str) -> bool:
    # Dot segments and empty segments could be resolved differently upstream: never match them.
    if not path.startswith("/") or "//" in path or "\\" in path:
        return True
    return any(seg in (".", "..") for seg in path.split("/"))


class Policy:
    def __init__(self, document: dict[str, Any]):
        self.version = str(document.get("version") or "")
        if not self.version:
            raise PolicyError("policy has no version")
        groups: dict[str, list[tuple[str, str]]] = {}
        for name, lines in (document.get("routes") or {}).items():
            groups[name] = [e for line in lines for e in self._parse_route_line(name, line)]
        self.rules = [self._parse_rule(r, groups) for r in document.get("rules") or []]
        # Plain-language meaning of each route group, for the public access summary.
        self.purposes: dict[str, str] = {str(k): str(v) for k, v in (document.get("purposes") or {}).items()}
        # Service routes deliberately not reachable through the gateway (with the reason).
        self.unreachable: list[tuple[str, re.Pattern[str], str]] = []
        for entry in document.get("unreachable") or []:
            for method, template in self._parse_route_line("unreachable", entry["route"]):
                self.unreachable.append((method, compile_template(template), str(entry.get("why", ""))))
        if len({r.id for r in self.rules}) != len(self.rules):
            raise PolicyError("duplicate rule id")

        by_key: dict[tuple[str, str], dict[str, set[str]]] = {}
        for name, entries in groups.items():
            for method, template in entries:
                key = (method, template)
                by_key.setdefault(key, {}).setdefault("groups", set()).add(name)
        self._index: dict[tuple[str, str], list[Route]] = {}
        for (method, template), info in by_key.items():
            g = frozenset(info["groups"])
            rules = tuple(r for r in self.rules if r.groups & g)
            route = Route(
                method=method,
                template=_TYPED_USCC.sub(r"{\1}", template),
                regex=compile_template(template),
                groups=g,
                rules=rules,
                granted=tuple(sorted(r.groups & g)[0] for r in rules),
            )
            first = _first_segment(template)
            bucket = "*" if first.startswith("{") else first
            self._index.setdefault((method, bucket), []).append(route)
        for routes in self._index.values():
            # Literal templates before parameterised ones, the catch-alls last.
            routes.sort(key=lambda r: (":path}" in r.template, r.template.count("{"), r.template))

    @staticmethod
    def _parse_route_line(group: str, line: str) -> list[tuple[str, str]]:
        try:
            methods, template = str(line).split()
        except ValueError:
            raise PolicyError(f"route {group}: expected 'METHOD /path', got {line!r}") from None
        compile_template(template)
        out = []
        for m in methods.split("|"):
            if m not in METHODS:
                raise PolicyError(f"route {group}: unknown method {m}")
            out.append((m, template))
        return out

    @staticmethod
    def _parse_rule(raw: dict[str, Any], groups: dict[str, list]) -> Rule:
        rid = raw.get("id")
        if not rid:
            raise PolicyError("rule without id")
        kinds = _as_set(raw.get("kind"))
        if not kinds or not kinds <= KINDS:
            raise PolicyError(f"rule {rid}: kind must be among {sorted(KINDS)}")
        roles = _as_set(raw.get("roles"), "*")
        if not roles <= KNOWN_ROLES | {"*"}:
            raise PolicyError(f"rule {rid}: unknown roles {sorted(roles - KNOWN_ROLES)}")
        allow = _as_set(raw.get("allow"))
        unknown = allow - groups.keys()
        if unknown:
            raise PolicyError(f"rule {rid}: unknown route groups {sorted(unknown)}")
        if "public" in kinds and not raw.get("anonymous_write"):
            # Anonymous callers only read, unless a rule says otherwise on purpose.
            writes = [t for g in allow for m, t in groups[g] if m not in READ_METHODS]
            if writes:
                raise PolicyError(f"rule {rid}: public write {writes[0]} needs anonymous_write: true")
        return Rule(
            id=str(rid),
            kinds=kinds,
            departments=_as_set(raw.get("departments"), "*"),
            roles=roles,
            groups=allow,
        )

    def is_unreachable(self, method: str, path: str) -> bool:
        """True when the policy lists this (method, gateway path) as deliberately unreachable."""
        return any(m == method and rx.match(path) for m, rx, _ in self.unreachable)

    def match(self, method: str, path: str) -> Route | None:
        m = "GET" if method == "HEAD" else method
        seg = _first_segment(path)
        for bucket in (seg, "*"):
            for route in self._index.get((m, bucket), ()):
                if route.regex.match(path):
                    return route
        return None

    def decide(self, principal: Principal | None, method: str, path: str) -> Decision:
        p = principal or PUBLIC
        method = method.upper()
        if _unsafe_path(path):
            return Decision(False, None, f"a plain path (got {path!r})")
        route = self.match(method, path)
        if route is None:
            return Decision(False, None, f"a known route (no route for {method} {path})")
        for rule, group in zip(route.rules, route.granted, strict=True):
            if rule.applies_to(p):
                return Decision(True, rule.id, "", route.template, group)
        return Decision(False, None, self._missing(p, route), route.template, sorted(route.groups)[0])

    @staticmethod
    def _missing(p: Principal, route: Route) -> str:
        target = f"{route.method} {route.template}"
        same_kind = [r for r in route.rules if p.kind in r.kinds]
        if p.kind != "public":
            same_kind = [
                r for r in same_kind if "*" in r.departments or p.department in r.departments
            ]
        roles = sorted({role for r in same_kind for role in r.roles if role != "*"})
        if roles:
            return f"role {' or '.join(roles)} for {target}"
        kinds = sorted({k for r in route.rules for k in r.kinds} - {p.kind, "public"})
        if kinds:
            needed = sorted({role for r in route.rules for role in r.roles if role != "*"})
            who = f"a {' or '.join(kinds)} credential"
            if needed:
                who += f" with role {' or '.join(needed)}"
            return f"{who} for {target}"
        return f"a rule granting {target}"


def load_policy(path: str | Path = DEFAULT_POLICY_PATH) -> Policy:
    return Policy(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
