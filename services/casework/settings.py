from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class CaseworkSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASEWORK_", extra="ignore")

    service_name: str = "casework"
    database_url: str = "sqlite+aiosqlite:///./.data/db/casework.db"

    # A clock is "due soon" this many calendar days before its last day.
    clock_soon_days: int = 3
    # How often the background job looks for clocks to flag on the bus.
    clock_scan_seconds: float = 60.0
    # Risk alerts name no department: their leads go to this one (market regulation).
    risk_alert_department: str = "scjgj"
    # How often to check the holiday schedule file; when it changed, provisional deadlines are recomputed.
    calendar_check_seconds: float = 300.0
