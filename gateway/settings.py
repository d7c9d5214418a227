"""Gateway settings, from the environment with the prefix GATEWAY_.

The gateway has no business tables: `audit_database_url` holds only the access audit log
(its own Alembic history, version table `alembic_version_gateway`). `database_url` is kept
for the embedded run, which sets it for every app; the audit log uses `audit_database_url`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from shared.catalogue.readmodel import SAMPLE_FILE
from shared.settings import ServiceSettings

_HERE = Path(__file__).parent


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    database_url: str = "sqlite+aiosqlite:///./.data/db/gateway.db"
    audit_database_url: str = "sqlite+aiosqlite:///./.data/db/gateway.db"

    # Upstream services (bound to loopback / an internal network; the gateway is the only door).
    credit_url: str = "http://127.0.0.1:8001"
    inspection_url: str = "http://127.0.0.1:8002"
    casework_url: str = "http://127.0.0.1:8003"
    disclosure_url: str = "http://127.0.0.1:8004"
    coordination_url: str = "http://127.0.0.1:8005"

    # Signing keys (<key_dir>/*.pem, keys.json) and the JWKS the services read (<key_dir>/jwks.json).
    key_dir: Path = Path(".data/keys")
    clients_file: Path = Path(".data/keys/clients.json")
    token_ttl_seconds: int = 300
    # After a key rotation the new key is published at once but signs only this much later, so
    # services (which re-read the key set at most once a second) know it before they see it.
    key_publish_seconds: float = 2.0
    # argon2id for client secrets (RFC 9106 second recommended option by default).
    secret_hash_time_cost: int = 3
    secret_hash_memory_kib: int = 65536
    secret_hash_parallelism: int = 4
    policy_file: Path = _HERE / "access" / "policy.yaml"
    # The departments that may hold credentials (the coordination service's catalogue document).
    catalogue_file: Path = SAMPLE_FILE

    # Limits. Rate: per client id (per remote address for anonymous callers), token bucket.
    rate_per_second: float = 50.0
    rate_burst: float = 100.0
    max_body_bytes: int = 10 * 1024 * 1024
    # A `limit` query parameter above this is refused with 422 at the gateway (the services'
    # own page-size cap, checked before any upstream work).
    max_page_size: int = 200
    # Proxies in front of the gateway (addresses or CIDRs; in the environment a JSON list, e.g.
    # GATEWAY_TRUSTED_PROXIES='["10.0.0.0/8"]'): only their X-Forwarded-For is believed. Empty:
    # the TCP peer is the caller.
    trusted_proxies: tuple[str, ...] = ()
    upstream_connect_timeout: float = 2.0
    upstream_timeout: float = 30.0
    upstream_pool_size: int = 200

    # Access audit: records are queued on the hot path and written in batches.
    audit_queue_size: int = 100_000
    audit_batch_size: int = 500

    # Merged OpenAPI: upstream documents are cached this long; a down upstream is retried sooner.
    openapi_cache_seconds: float = 300.0
    openapi_retry_seconds: float = 10.0

    @property
    def jwks_path(self) -> Path:
        return Path(self.key_dir) / "jwks.json"

    def upstreams(self) -> dict[str, str]:
        return {
            "credit": self.credit_url.rstrip("/"),
            "inspection": self.inspection_url.rstrip("/"),
            "casework": self.casework_url.rstrip("/"),
            "disclosure": self.disclosure_url.rstrip("/"),
            "coordination": self.coordination_url.rstrip("/"),
        }
