"""Who sees a legal representative's identity number whole."""

from __future__ import annotations

from collections.abc import Iterable

# Roles whose work needs the whole number: keeping the registration (identifying the person).
PERSONAL_ID_ROLES = frozenset({"credit_officer"})


# Personal Information Protection Law art. 6 (minimum necessary) and Shanghai Social Credit
# Regulations art. 38 (personal information protected): the ID number is shown whole only to the
# officers of the department that keeps the subject's registration, whose role needs it; every
# other department, role and the public see it masked.
def may_see_full_id_number(roles: Iterable[str], keeps_the_registration: bool) -> bool:
    return keeps_the_registration and bool(PERSONAL_ID_ROLES & set(roles))
