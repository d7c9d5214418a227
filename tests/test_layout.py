"""The house rules of CONVENTIONS.md ("Layout"), checked on the code as it is.

- no import circles anywhere in the project (an import inside a function counts too);
- a service never imports another service, `shared/` never imports a service, the gateway or
  the composition root, and services never import the gateway or the composition root;
- inside a service, no module outside `rules/` and `migrations/` sits beside more than
  `MAX_SIBLINGS` others, and a sub-domain folder holds only the fixed rooms plus the modules
  CONVENTIONS.md names with their reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("shared", "services", "gateway", "supervision", "bench")
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "app.py").exists())
MAX_SIBLINGS = 13  # "about a dozen": five service-level modules, rules/, migrations/ and the sub-domains
ROOMS = {"__init__.py", "routes.py", "service.py", "repository.py", "schemas.py"}
# Sub-domain modules beyond the rooms, each with its reason in CONVENTIONS.md ("Layout").
EXTRA_MODULES = {
    "services/credit/subjects/bulk_import.py",
    "services/credit/subjects/import_checks.py",
    "services/credit/records/from_events.py",
    "services/inspection/plans/draw.py",
}
# Service-level modules beside the sub-domain folders.
SERVICE_LEVEL = {"__init__.py", "app.py", "settings.py", "models.py", "handlers.py", "deps.py"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[module_name(path)] = path
    return found


def imports_of(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The project modules `path` imports, at module level or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets.add(base)
            # `from package import module` imports the module, not only the package.
            targets |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules}
    resolved = set()
    for target in targets:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph = {name: imports_of(path, name, modules) for name, path in modules.items()}
    # Importing `a.b.c` runs `a/__init__` and `a/b/__init__` too, but those only count as
    # arrows from what they themselves import, which the graph already holds.
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each one circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def owner(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "services" and len(parts) > 1 else parts[0]


def forbidden(source: str, target: str) -> bool:
    """Whether CONVENTIONS.md forbids `source` importing `target` (both project modules)."""
    src, dst = owner(source), owner(target)
    if src == "shared":
        return dst != "shared"
    if src.startswith("services."):
        return dst != src and dst != "shared"
    if src == "gateway":
        return dst not in {"gateway", "shared"}
    return False


def test_the_checker_finds_a_circle_and_a_forbidden_arrow():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert forbidden("services.credit.records.service", "services.casework.models")
    assert forbidden("shared.bus.outbox", "services.credit.models")
    assert forbidden("shared.app", "gateway.app")
    assert not forbidden("services.credit.records.service", "shared.bus.outbox")
    assert not forbidden("supervision.embedded", "services.credit.app")


def test_no_import_circles_in_the_project():
    assert cycles(import_graph()) == []


def test_no_import_across_service_boundaries():
    crossings = sorted(
        f"{source} -> {target}"
        for source, targets in import_graph().items()
        for target in targets
        if forbidden(source, target)
    )
    assert crossings == []


def _counted(entry: Path) -> bool:
    return entry.name != "__pycache__" and (entry.is_dir() or entry.suffix == ".py")


def test_no_crowded_folders_inside_services():
    crowded = {}
    for folder in [ROOT / "services", *(ROOT / "services").rglob("*")]:
        if not folder.is_dir() or {"rules", "migrations", "__pycache__"} & set(folder.relative_to(ROOT).parts):
            continue
        entries = [e for e in folder.iterdir() if _counted(e) and e.name != "__init__.py"]
        if len(entries) > MAX_SIBLINGS + 1:
            crowded[str(folder.relative_to(ROOT))] = len(entries)
    assert crowded == {}


def test_sub_domains_hold_only_their_rooms():
    strays = []
    for service in SERVICES:
        base = ROOT / "services" / service
        for entry in base.iterdir():
            if entry.is_file() and entry.suffix == ".py" and entry.name not in SERVICE_LEVEL:
                strays.append(str(entry.relative_to(ROOT)))
        for folder in base.iterdir():
            if not folder.is_dir() or folder.name in {"rules", "migrations", "templates", "__pycache__"}:
                continue
            for module in folder.rglob("*.py"):
                rel = str(module.relative_to(ROOT))
                if module.name not in ROOMS and rel not in EXTRA_MODULES:
                    strays.append(rel)
    assert strays == []
