"""Queries of the item list, the inspection object read model and the inspector database."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.models import (
    InspectionItem,
    InspectionObject,
    InspectorRecord,
    ListMembership,
)

LIST_FLAGS = {"red": "red_list", "abnormal": "abnormal_list", "serious_dishonesty": "serious_dishonesty_list"}


class DirectoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ------------------------------------------------------------------ items
    async def add(self, row: object) -> None:
        self.session.add(row)
        await self.session.flush()

    async def item(self, item_id: str) -> InspectionItem | None:
        return await self.session.get(InspectionItem, item_id)

    async def item_by_code(self, code: str) -> InspectionItem | None:
        return (await self.session.execute(select(InspectionItem).where(InspectionItem.code == code))).scalar_one_or_none()

    async def items_by_ids(self, ids: Sequence[str]) -> list[InspectionItem]:
        if not ids:
            return []
        rows = (await self.session.execute(select(InspectionItem).where(InspectionItem.id.in_(list(ids))))).scalars()
        return list(rows)

    async def key_items_of(self, department: str) -> list[InspectionItem]:
        q = select(InspectionItem).where(
            InspectionItem.department == department, InspectionItem.kind == "key", InspectionItem.active.is_(True)
        ).order_by(InspectionItem.code)
        return list((await self.session.execute(q)).scalars())

    async def list_items(self, *, department: str | None, kind: str | None, after: str | None,
                         limit: int) -> list[InspectionItem]:
        q = select(InspectionItem).order_by(InspectionItem.id).limit(limit + 1)
        if department:
            q = q.where(InspectionItem.department == department)
        if kind:
            q = q.where(InspectionItem.kind == kind)
        if after:
            q = q.where(InspectionItem.id > after)
        return list((await self.session.execute(q)).scalars())

    async def delete(self, row: object) -> None:
        await self.session.delete(row)
        await self.session.flush()

    # ------------------------------------------------------------------ objects (read model)
    async def object(self, uscc: str) -> InspectionObject | None:
        return await self.session.get(InspectionObject, uscc)

    async def list_objects(self, *, district: str | None, grade: str | None, list_kind: str | None,
                           after: str | None, limit: int) -> list[InspectionObject]:
        q = select(InspectionObject).order_by(InspectionObject.uscc).limit(limit + 1)
        if district:
            q = q.where(InspectionObject.district == district)
        if grade:
            q = q.where(InspectionObject.grade == grade)
        if list_kind:
            q = q.where(getattr(InspectionObject, LIST_FLAGS[list_kind]).is_(True))
        if after:
            q = q.where(InspectionObject.uscc > after)
        return list((await self.session.execute(q)).scalars())

    async def membership(self, entry_id: str) -> ListMembership | None:
        return await self.session.get(ListMembership, entry_id)

    async def open_memberships(self, uscc: str) -> list[ListMembership]:
        q = select(ListMembership).where(ListMembership.uscc == uscc, ListMembership.exited_on.is_(None))
        return list((await self.session.execute(q)).scalars())

    async def set_last_inspectors(self, uscc: str, inspector_ids: list[str]) -> None:
        await self.session.execute(
            update(InspectionObject).where(InspectionObject.uscc == uscc).values(last_inspector_ids=inspector_ids)
        )

    async def count_objects(self) -> int:
        return (await self.session.execute(select(func.count()).select_from(InspectionObject))).scalar_one()

    # ------------------------------------------------------------------ inspectors
    async def inspector(self, inspector_id: str) -> InspectorRecord | None:
        return await self.session.get(InspectorRecord, inspector_id)

    async def inspector_by_client(self, client_id: str) -> InspectorRecord | None:
        q = select(InspectorRecord).where(InspectorRecord.client_id == client_id)
        return (await self.session.execute(q)).scalar_one_or_none()

    async def list_inspectors(self, *, department: str, active: bool | None, after: str | None,
                              limit: int) -> list[InspectorRecord]:
        q = select(InspectorRecord).where(InspectorRecord.department == department)
        if active is not None:
            q = q.where(InspectorRecord.active.is_(active))
        if after:
            q = q.where(InspectorRecord.id > after)
        return list((await self.session.execute(q.order_by(InspectorRecord.id).limit(limit + 1))).scalars())

    async def inspectors_of(self, departments: Sequence[str]) -> list[InspectorRecord]:
        q = select(InspectorRecord).where(InspectorRecord.department.in_(list(departments)))
        return list((await self.session.execute(q.order_by(InspectorRecord.id))).scalars())


def scope_filter(scope: dict, subject_types: Sequence[str] | None, industries: Sequence[str] | None):
    """SQL condition for the eligible population of a plan (active subjects in scope)."""
    conds = [InspectionObject.status == "active"]
    if scope.get("districts"):
        conds.append(InspectionObject.district.in_(scope["districts"]))
    if subject_types is not None:
        conds.append(InspectionObject.subject_type.in_(list(subject_types)))
    if industries is not None:  # industry codes match by prefix (GB/T 4754 section, division, ...)
        conds.append(or_(*[InspectionObject.industry_code.startswith(p, autoescape=True) for p in industries]))
    return and_(*conds)

