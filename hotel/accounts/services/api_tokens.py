"""API bearer tokens: issue, resolve to a staff member, revoke.

Only a token's SHA-256 is stored; each token also carries a stamp of the password hash it
was issued under, so a password change ends it as it ends sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.crypto import salted_hmac
from pynamodb.exceptions import DoesNotExist

from ..models import ApiToken, StaffUser, normalize_email
from .staff import staff_get


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_STAMP_SALT = "hotel.accounts.api-token.password"


def _password_stamps(password_hash: str) -> list[str]:
    """The stamp of a password hash under SECRET_KEY, then under each fallback key."""
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        salted_hmac(_STAMP_SALT, password_hash, secret=key, algorithm="sha256").hexdigest()
        for key in secrets_
    ]


def api_token_issue(*, user: StaffUser, now: datetime, label: str = "") -> IssuedToken:
    """Create a bearer token for `user`; only its hash is stored."""
    token = "hk_" + secrets.token_urlsafe(32)
    expires_at = now + timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)
    ApiToken(
        tokenHash=_hash_token(token),
        email=user.email,
        label=label[:100],
        createdAt=now,
        expiresAt=expires_at,
        passwordStamp=_password_stamps(user.password)[0],
    ).save()
    return IssuedToken(token=token, expires_at=expires_at)


def api_token_user(*, token: str, now: datetime) -> StaffUser | None:
    """The active staff member a live token belongs to, else None (unknown, expired, revoked)."""
    if not token or len(token) > 200:
        return None
    try:
        item = ApiToken.get(_hash_token(token))
    except DoesNotExist:
        return None
    if item.expiresAt <= now:
        return None  # DynamoDB's TTL sweep can lag by days: expiry is checked here.
    user = staff_get(email=item.email)
    if user is None or not user.is_active:
        return None
    stamps = _password_stamps(user.password)
    if item.passwordStamp is not None and not any(
        hmac.compare_digest(item.passwordStamp, stamp) for stamp in stamps
    ):
        return None  # Issued before the last password change.
    return user


def api_token_revoke(*, token: str) -> None:
    ApiToken(tokenHash=_hash_token(token)).delete()


def api_tokens_revoke_all(*, email: str) -> int:
    """Revoke every token of a staff member (e.g. when they leave). Returns how many."""
    return ApiToken.revoke_all_of(normalize_email(email))
