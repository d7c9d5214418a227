from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class CreditSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CREDIT_", extra="ignore")

    service_name: str = "credit"
    database_url: str = "sqlite+aiosqlite:///./.data/db/credit.db"
