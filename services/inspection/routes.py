"""HTTP routes of the inspection service (HTTP only: parse, call service.py, commit, shape the answer)."""

from __future__ import annotations

from fastapi import APIRouter

from services.inspection import routes_lists, routes_plans, routes_results

TAGS: list[dict[str, str]] = [
    {"name": "items", "description": "One list: each department's public inspection items (general or key)."},
    {"name": "objects", "description": "The inspection object database (subjects, credit grade, risk, lists) "
                                       "and each object's step history."},
    {"name": "inspectors", "description": "The inspector database. Declared interests are private."},
    {"name": "plans", "description": "Random inspection plans (joint across departments), commitment and draw."},
    {"name": "tasks", "description": "Objects to visit with their inspectors: drawn or key (non-random)."},
    {"name": "results", "description": "Results per object and item, evidence hashes, publication deadlines."},
    {"name": "public", "description": "Anonymous: published plans, draw records and their verification."},
]


def routers() -> list[APIRouter]:
    return [routes_lists.router, routes_plans.router, routes_plans.public_router, routes_results.router]
