"""The department roles a credential may hold, and the pairs the law keeps apart.

Defined once here because the gateway issues credentials with these roles and every service
checks them; a role unknown here is refused at credential creation.
"""

from __future__ import annotations

from collections.abc import Iterable

INSPECTOR = "inspector"
CASE_OFFICER = "case_officer"
LEGAL_REVIEWER = "legal_reviewer"
CREDIT_OFFICER = "credit_officer"
AUDITOR = "auditor"
ADMIN = "admin"
# The organ's head (行政机关负责人): approves extensions and may clear a fact that requires review.
HEAD = "head"

DEPARTMENT_ROLES = frozenset({INSPECTOR, CASE_OFFICER, LEGAL_REVIEWER, CREDIT_OFFICER, AUDITOR, ADMIN, HEAD})

# Administrative Penalty Law (2021) art. 58: legal review by staff other than the investigators;
# SAMR Administrative Penalty Procedure Provisions art. 60: investigation and review kept apart;
# a gate the head may lift is not lifted by the officer it restrains (art. 58, "one-way gates").
SEPARATED_ROLES: tuple[tuple[str, str, str], ...] = (
    (CASE_OFFICER, LEGAL_REVIEWER, "APL art. 58: the legal reviewer is not an investigator"),
    (INSPECTOR, LEGAL_REVIEWER, "APL art. 58: the legal reviewer is not an investigator (inspections find the facts)"),
    (CASE_OFFICER, HEAD, "APL art. 58: a fact requiring review is cleared by someone other than the officer it restrains"),
)


def separated_role_conflicts(roles: Iterable[str]) -> list[str]:
    """One message per pair of separated roles found together in `roles`; empty when none."""
    held = set(roles)
    return [f"roles {a} and {b} are separated: {why}" for a, b, why in SEPARATED_ROLES if a in held and b in held]
