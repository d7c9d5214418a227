"""Settings every service reads from its environment.

Each service subclasses `ServiceSettings` with its own env prefix (`CREDIT_`, `INSPECTION_`,
...), so one process environment can hold all of them. `DATABASE_URL` switches SQLite and
PostgreSQL; `NATS_URL` switches the bus server.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "service"
    database_url: str = "sqlite+aiosqlite:///./.data/service.db"
    nats_url: str = "nats://127.0.0.1:4222"
    # The service's own bus user (shared/bus/credentials.py); the password straight or from a
    # 0600 file. Without them the connection is anonymous, which an authenticated bus refuses.
    nats_user: str | None = None
    nats_password: str | None = None
    nats_password_file: Path | None = None
    # Production runs R3 on a 3-node cluster; a single server refuses more than 1.
    stream_replicas: int = 1
    # Token verification: the gateway's public keys, from a file (embedded run) or a URL.
    jwks_file: Path = Path(".data/keys/jwks.json")
    jwks_url: str | None = None
    token_issuer: str = "supervision-gateway"
    token_audience: str = "supervision-services"
    log_level: str = "INFO"
    log_json: bool = True
    # Outbox rows stay after they are acked for this long, so they can be replayed.
    outbox_replay_hours: float = 72.0
    outbox_poll_seconds: float = 1.0
    consumer_max_deliver: int = 5
    # How long start-up waits for the bus before serving without it (it keeps trying behind).
    bus_start_wait_seconds: float = 3.0
    consumer_backoff_seconds: float = 0.5
    # Switch the bus off (e.g. one-off CLI jobs that only touch the database).
    bus_enabled: bool = True
    # Bring the schema to head when the app starts (the embedded run also migrates before start).
    migrate_on_start: bool = True
