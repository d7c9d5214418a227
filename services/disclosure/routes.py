"""HTTP routes of the disclosure service (HTTP only: parse, call service.py, commit, shape the answer)."""

from __future__ import annotations

from fastapi import APIRouter

from services.disclosure import routes_feeds, routes_log, routes_public, routes_site

TAGS: list[dict[str, str]] = [
    {"name": "public records", "description": "Search, records, subject histories, draws and the efficiency "
                                              "evaluation: anonymous, read-only, redacted, cursor-paged, ETag/304."},
    {"name": "feeds and bulk", "description": "Atom and JSON Feed 1.1 change feeds synced by log sequence number; "
                                              "daily bulk CSV per record type."},
    {"name": "log", "description": "The tamper-evident RFC 6962 Merkle log of every publication and withdrawal, "
                                   "with Ed25519-signed tree heads and proofs."},
]


def routers() -> list[APIRouter]:
    return [routes_public.router, routes_feeds.router, routes_log.router, routes_site.router]
