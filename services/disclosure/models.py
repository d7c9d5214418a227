"""Tables of the disclosure service (its own metadata; nobody else reads them)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.bus.tables import define_bus_tables
from shared.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()


bus_tables = define_bus_tables(Base.metadata)
