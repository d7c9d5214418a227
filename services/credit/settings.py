from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class CreditSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CREDIT_", extra="ignore")

    service_name: str = "credit"
    database_url: str = "sqlite+aiosqlite:///./.data/db/credit.db"
    # How often the commitment and list sweeps run (they also run on demand through the API).
    sweep_seconds: float = 3600.0
    # Shanghai hour of the nightly regrade of every subject (records age, rule sets change by date).
    nightly_regrade_hour: int = 2
    # How often to check the holiday schedule file; when it changed, provisional deadlines are recomputed.
    calendar_check_seconds: float = 300.0
