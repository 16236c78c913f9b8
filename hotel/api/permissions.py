"""DRF permissions that ask the staff member's role (hotel.accounts.roles)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission


def staff_perm(
    read: str | tuple[str, ...] | None, write: str | tuple[str, ...] | None = None
) -> type[BasePermission]:
    """Permission class: `read` perm for safe methods (None = public), `write` for the rest;
    a tuple means any one of its permissions.

    Anonymous callers get 401, signed-in staff without the permission 403.
    """

    class StaffPerm(BasePermission):
        def has_permission(self, request, view):
            needed = read if request.method in SAFE_METHODS else write
            if needed is None:
                return True
            user = request.user
            perms = (needed,) if isinstance(needed, str) else needed
            return bool(user and user.is_authenticated and any(user.has_perm(p) for p in perms))

    StaffPerm.__name__ = f"StaffPerm({read},{write})"
    return StaffPerm


def role_perm(
    *, write: str | tuple[str, ...], roles: frozenset[str], staff_read: bool = True
) -> type[BasePermission]:
    """Permission class for data only some roles change (rate plans and promo codes:
    managers). Changes: a role in `roles` that also holds `write` (a grant like the front
    desk's `bookings.*` alone is not enough). Safe methods: any signed-in staff member
    (`staff_read`), else the same as changes. Anonymous callers get 401, other staff 403.
    """
    perms = (write,) if isinstance(write, str) else write

    class RolePerm(BasePermission):
        def has_permission(self, request, view):
            user = request.user
            if not (user and user.is_authenticated):
                return False
            if staff_read and request.method in SAFE_METHODS:
                return True
            return getattr(user, "role", None) in roles and any(user.has_perm(p) for p in perms)

    RolePerm.__name__ = f"RolePerm({sorted(roles)},{write})"
    return RolePerm
