"""Staff login lockout: the platform's attempt slots (hotel.throttle) keyed by email.

Every login attempt first spends one of the email's LOGIN_MAX_FAILURES slots in the
LOGIN_LOCKOUT_SECONDS window, whether or not the account exists, so at most that many
passwords are ever checked per window, however many requests run at once.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from hotel.errors import DomainError
from hotel.throttle import Throttled, full_until, reserve, reset_after_success

from .models import normalize_email


class LoginLocked(DomainError):
    status_code = 429
    code = "LOGIN_LOCKED"
    default_message = "Too many failed logins. Try again later."


def _key(email: str) -> str:
    return f"login:{normalize_email(email)}"


def login_slot_reserve(*, email: str, now: datetime) -> int:
    """Spend one login attempt of `email`; return the slot. Raises LoginLocked when the
    window's attempts are used up (details carry retryAfterSeconds)."""
    try:
        return reserve(
            _key(email),
            limit=settings.LOGIN_MAX_FAILURES,
            window_seconds=settings.LOGIN_LOCKOUT_SECONDS,
            now=now,
        )
    except Throttled as exc:
        seconds = max(1, int((exc.until - now).total_seconds()))
        minutes = max(1, (seconds + 59) // 60)
        raise LoginLocked(
            f"Too many failed logins for this account. Try again in {minutes} minutes.",
            details={"retryAfterSeconds": seconds},
        ) from exc


def login_slot_release(*, email: str, slot: int) -> None:
    """After a successful login: forget the window (unless others reserved slots since)."""
    reset_after_success(_key(email), slot=slot)


def login_locked_until(*, email: str, now: datetime) -> datetime | None:
    """When the email's attempts are used up, the moment its window ends; else None."""
    return full_until(_key(email), limit=settings.LOGIN_MAX_FAILURES, now=now)
