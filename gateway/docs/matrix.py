"""The authorization matrix: one table (gateway/access/matrix.yaml) of every operation the gateway
routes, and what each kind of caller gets at the door: `allow`, or the status it is refused with.

The table is written by hand and reviewed like code. The suite checks it three ways: every
operation of every service (and of the gateway itself) has a row and no row is stale; every cell
is exercised through a running gateway over real HTTP; and docs/authorization.md is this module's
rendering of the table (`python -m gateway.docs.matrix > docs/authorization.md`).

What a department may do to a record of another department, outside its district or under an
entrustment is decided by the service behind the door (own matters, read scope, jurisdiction):
the `relations` column names the rule and the test that holds it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MATRIX_PATH = Path(__file__).resolve().parents[1] / "access" / "matrix.yaml"
ALLOW = "allow"


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    cells: dict[str, int | str]  # caller -> "allow" or a status
    relations: str = ""


@dataclass(frozen=True)
class Matrix:
    callers: tuple[str, ...]
    rows: tuple[Row, ...]

    def row(self, method: str, path: str) -> Row | None:
        return next((r for r in self.rows if r.method == method and r.path == path), None)


def load_matrix(path: Path = MATRIX_PATH) -> Matrix:
    doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    callers = tuple(doc["callers"])
    rows = []
    for op, spec in doc["operations"].items():
        method, _, template = op.partition(" ")
        values = spec["callers"] if isinstance(spec, dict) else spec
        if len(values) != len(callers):
            raise ValueError(f"{op}: {len(values)} cells for {len(callers)} callers")
        for v in values:
            if v != ALLOW and v not in (401, 403, 404):
                raise ValueError(f"{op}: a cell is 'allow', 401, 403 or 404, not {v!r}")
        rows.append(Row(method, template, dict(zip(callers, values, strict=True)),
                        spec.get("relations", "") if isinstance(spec, dict) else ""))
    return Matrix(callers, tuple(rows))


def render(matrix: Matrix) -> str:
    """docs/authorization.md: the table as Markdown, one section per service."""
    intro = ("Each row is an operation as the gateway routes it; each column a caller: the public (no token), a "
             "department credential holding one role (`head` is the organ's head), or a service account "
             "(`hotline`, the 12345 hotline). `allow` means the gateway lets the call through to the service, which "
             "then applies its own rules (own department, own matters, jurisdiction: see *relations*); a number is "
             "the status the gateway refuses with (401: a credential is needed; 403: this credential may not).")
    size = (f"{len(matrix.rows)} operations x {len(matrix.callers)} callers = "
            f"{len(matrix.rows) * len(matrix.callers)} cells.")
    out = ["# Who may do what: the authorization matrix", "",
           "Generated from `gateway/access/matrix.yaml` by `python -m gateway.docs.matrix`; do not edit by hand.",
           "", intro, "", size, ""]
    by_service: dict[str, list[Row]] = {}
    for r in matrix.rows:
        by_service.setdefault(r.path.split("/")[1] or "site", []).append(r)
    for service, rows in by_service.items():
        out += [f"## {service}", "", "| operation | " + " | ".join(matrix.callers) + " | relations |",
                "| --- | " + " | ".join("---" for _ in matrix.callers) + " | --- |"]
        for r in rows:
            cells = " | ".join("✓" if r.cells[c] == ALLOW else str(r.cells[c]) for c in matrix.callers)
            out.append(f"| `{r.method} {r.path}` | {cells} | {r.relations} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render(load_matrix()))
