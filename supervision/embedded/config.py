"""What the embedded run starts: the apps, their ports, where data lives, which databases.

One data folder that survives restarts; apps not given a database URL get a SQLite file of
their own under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ("credit", "inspection", "casework", "disclosure", "coordination")


@dataclass(frozen=True)
class Ports:
    gateway: int = 8000
    credit: int = 8001
    inspection: int = 8002
    casework: int = 8003
    disclosure: int = 8004
    coordination: int = 8005
    nats: int = 4333


@dataclass(frozen=True)
class AppSpec:
    """One HTTP process: its name, uvicorn factory and the env prefix of its settings."""

    name: str
    factory: str
    env_prefix: str


DEFAULT_APPS: tuple[AppSpec, ...] = (
    # The gateway first: it writes the JWKS file the services verify tokens with.
    AppSpec("gateway", "gateway.app:create_app", "GATEWAY_"),
    *(AppSpec(s, f"services.{s}.app:create_app", f"{s.upper()}_") for s in SERVICES),
)


@dataclass
class EmbeddedConfig:
    data_dir: Path = Path(".data")
    host: str = "127.0.0.1"
    ports: Ports = field(default_factory=Ports)
    # An external NATS (comma-separated URLs); None starts the wheel's nats-server.
    nats_url: str | None = None
    # Replicas of every stream (a cluster of 3 takes 3; the embedded single server only 1).
    stream_replicas: int = 1
    ready_timeout: float = 60.0
    # Whether the post-start hook (demo seeding) runs.
    demo: bool = True
    log_level: str = "INFO"
    # Per-app database URLs (e.g. PostgreSQL in tests); apps not named get SQLite under data_dir/db.
    database_urls: dict[str, str] = field(default_factory=dict)
    # Where the public and integrators reach the gateway (links in feeds); None: the gateway's own address.
    public_base_url: str | None = None

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
