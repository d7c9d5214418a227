from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class CaseworkSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASEWORK_", extra="ignore")

    service_name: str = "casework"
    database_url: str = "sqlite+aiosqlite:///./.data/db/casework.db"
