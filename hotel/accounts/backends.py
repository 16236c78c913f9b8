"""Django auth backend over DynamoDB staff accounts (replaces ModelBackend, which needs an ORM)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .models import StaffUser
from .services import LoginLocked, staff_authenticate, staff_get


class StaffBackend:
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        try:
            user = staff_authenticate(
                email=email or username or "", password=password or "", now=timezone.now()
            )
        except LoginLocked as exc:
            if request is not None:
                request.login_locked = exc  # The login form shows why.
            raise PermissionDenied(exc.message) from exc
        return user

    def get_user(self, user_id):
        user = staff_get(email=user_id)
        return user if user and user.is_active else None

    # A StaffUser answers from its role; anyone else (AnonymousUser asks the backends) has none.
    def has_perm(self, user_obj, perm, obj=None):
        return isinstance(user_obj, StaffUser) and user_obj.has_perm(perm, obj)

    def has_module_perms(self, user_obj, app_label):
        return isinstance(user_obj, StaffUser) and user_obj.has_module_perms(app_label)
