from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class DisclosureSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DISCLOSURE_", extra="ignore")

    service_name: str = "disclosure"
    database_url: str = "sqlite+aiosqlite:///./.data/db/disclosure.db"
