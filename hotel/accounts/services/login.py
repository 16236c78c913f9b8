"""Staff authentication with lockout (hotel.accounts.throttle counts the attempts)."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password

from ..models import StaffUser, normalize_email
from ..throttle import login_slot_release, login_slot_reserve
from .staff import staff_get

# A real hash of a random password: unknown emails cost as much time as known ones.
_DUMMY_HASH = None


def staff_authenticate(*, email: str, password: str, now: datetime) -> StaffUser | None:
    """Return the active staff member for these credentials, else None.

    Every attempt first spends one of the email's LOGIN_MAX_FAILURES slots in the
    LOGIN_LOCKOUT_SECONDS window (hotel.accounts.throttle: one conditional write), whether
    or not the account exists, so at most that many passwords are ever checked per window,
    however many requests run at once. Raises LoginLocked when the slots are used up.
    A success forgets the window (unless other attempts reserved slots meanwhile).
    """
    global _DUMMY_HASH
    email = normalize_email(email)
    if not email or not password:
        return None
    slot = login_slot_reserve(email=email, now=now)
    user = staff_get(email=email)
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or make_password(secrets.token_urlsafe(16))
        check_password(password, _DUMMY_HASH)
        return None

    def upgrade(raw):
        user.set_password(raw)
        user.persist(update_fields=["password"], rehash=True)

    if not check_password(password, user.password, setter=upgrade) or not user.is_active:
        return None
    login_slot_release(email=email, slot=slot)
    return user
