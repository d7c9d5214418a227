from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class InspectionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INSPECTION_", extra="ignore")

    service_name: str = "inspection"
    database_url: str = "sqlite+aiosqlite:///./.data/db/inspection.db"
    # Credit risk alerts become key tasks of this department (market regulation leads).
    risk_alert_department: str = "scjgj"
    # How often to check the holiday schedule file; when it changed, provisional deadlines are recomputed.
    calendar_check_seconds: float = 300.0
