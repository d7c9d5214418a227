"""Who supervises an approval item, by its status (pure)."""

from __future__ import annotations

from shared.catalogue.model import ApprovalItem, CatalogueVersion


def supervisor_problem(item: ApprovalItem, v: CatalogueVersion) -> str | None:
    """Why `item`'s supervising department does not follow from its status; None when it does."""
    # Seed §4 (SMPG G [2020] No. 7, para. 4): "whoever approves supervises"; cancelled -> the competent
    # department; replaced by filing -> the competent department verifies; delegated -> the supervision
    # level moves with it; no enforcement force / transferred -> entrusted enforcement.
    competent = v.matters[item.matter_code].department if item.matter_code else None
    sup, exam = item.supervising_department, item.examining_department
    if item.status == "in_force" and sup not in (exam, competent):
        return f"an approval in force is supervised by its examining department {exam} or the competent {competent}"
    if item.status in ("cancelled", "filing") and competent is not None and sup != competent \
            and v.departments[sup].level == "municipal":
        return f"a {item.status} approval is supervised by the competent department ({competent} or its district bureau)"
    if item.status in ("cancelled", "filing") and competent is None:
        return f"a {item.status} approval names the matter whose competent department supervises it"
    if item.status == "delegated" and (v.departments[sup].level != "district" or sup != exam):
        return "a delegated approval is supervised at the level it was delegated to: the district body that examines it"
    if item.status == "entrusted":
        e = v.entrustments.get(item.entrustment or "")
        if e is None:
            return "an entrusted approval names the entrustment under which it is enforced"
        if sup != e.entrustor:
            return f"entrusted enforcement is in the entrusting department's name: {e.entrustor}"
    return None
