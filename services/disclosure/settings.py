from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class DisclosureSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DISCLOSURE_", extra="ignore")

    service_name: str = "disclosure"
    database_url: str = "sqlite+aiosqlite:///./.data/db/disclosure.db"

    # The tree-head signing keys: a folder only this service reads (private keys 0600, the public
    # ones of every key ever used); default beside a SQLite database (<data>/keys/disclosure).
    # Or one PEM straight from the environment (DISCLOSURE_LOG_SIGNING_KEY_PEM, e.g. from a KMS).
    log_key_dir: Path | None = None
    log_signing_key_pem: str | None = None
    # Seconds between scans for records whose publicity window has ended.
    expiry_scan_seconds: float = 60.0
    # Shift the service's clock (days): for demos and rehearsals of window ends.
    clock_offset_days: float = 0.0
    # Show the current credit grade on subject pages [cfg]: on by default.
    publish_grades: bool = True
    # Public base URL used in feeds and links (the gateway root).
    public_base_url: str = "http://127.0.0.1:8000"
    # Where the site links for a full recomputation of a draw (the inspection service's verify API).
    draw_verify_url: str = "/inspection/public/draws/{plan_id}/verification"
    # How often to check the holiday schedule file; when it changed, provisional deadlines are recomputed.
    calendar_check_seconds: float = 300.0
