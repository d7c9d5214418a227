"""Tables of the coordination service: every catalogue version ever published, kept."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.bus.tables import define_bus_tables
from shared.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()


bus_tables = define_bus_tables(Base.metadata)


class CatalogueVersion(Base):
    """One published version of the catalogue; never changed once published (a change is a new version)."""

    __tablename__ = "catalogue_versions"

    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, index=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(120))
    sample: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
