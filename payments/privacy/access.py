"""Who may export and who may erase a guest's data: the API and the back office ask here.

Export: the front desk (its `bookings.*` grant) and managers — they answer a guest's request
at the desk. Erase: managers only, whatever else a role holds (an erasure cannot be undone).
"""

from __future__ import annotations

from hotel.accounts.roles import MANAGER

EXPORT_PERM = "bookings.export_guest"
ERASE_PERM = "bookings.erase_guest"
ERASE_ROLES = frozenset({MANAGER})


def may_export(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(EXPORT_PERM))


def may_erase(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and getattr(user, "role", None) in ERASE_ROLES
        and user.has_perm(ERASE_PERM)
    )
