from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class CoordinationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COORDINATION_", extra="ignore")

    service_name: str = "coordination"
    database_url: str = "sqlite+aiosqlite:///./.data/db/coordination.db"
    # On an empty catalogue, publish the shipped sample (marked sample) so a demo has departments and
    # matters; production sets this false and publishes the official lists through the API.
    load_sample_catalogue: bool = True
