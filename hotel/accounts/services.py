"""Staff accounts: create, authenticate (with lockout), tokens. Services take `now=`."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.crypto import salted_hmac
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.transactions import TransactWrite

from hotel.audit.services import audit_entry, audit_record
from hotel.dynamo import condition_failed_as, connection
from hotel.errors import Conflict, DomainError, NotFound, StaleObject, ValidationFailed

from . import roles, throttle
from .models import ApiTokenItem, StaffUser, StaffUserItem


class LoginLocked(DomainError):
    status_code = 429
    code = "LOGIN_LOCKED"
    default_message = "Too many failed logins. Try again later."


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def staff_get(*, email: str) -> StaffUser | None:
    try:
        return StaffUser.from_item(StaffUserItem.get(normalize_email(email)))
    except DoesNotExist:
        return None


def staff_create(
    *,
    email: str,
    password: str,
    role: str,
    full_name: str = "",
    actor: str = "system",
    now: datetime,
    validate: bool = True,
) -> StaffUser:
    """Create a staff account. Raises ValidationFailed, Conflict (email taken)."""
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError as exc:
        errors["email"] = list(exc.messages)
    if role not in roles.ROLES:
        errors["role"] = [f"Choose one of: {', '.join(roles.ROLES)}."]
    if validate:
        try:
            validate_password(password)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(details={"fields": errors})
    item = StaffUserItem(
        email=email,
        fullName=full_name,
        role=role,
        isActive=True,
        passwordHash=make_password(password),
        createdAt=now,
    )
    try:
        item.save(condition=StaffUserItem.email.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict(f"A staff member with email {email} already exists.") from exc
        raise
    audit_record(
        actor=actor,
        action="create",
        object_type="accounts.staff",
        object_id=email,
        before=None,
        after={"email": email, "role": role, "fullName": full_name, "isActive": True},
        now=now,
    )
    return StaffUser.from_item(item)


def _staff_snapshot(item: StaffUserItem) -> dict:
    """The audited view of a staff member (never the password hash)."""
    return {
        "email": item.email,
        "fullName": item.fullName,
        "role": item.role,
        "isActive": item.isActive,
    }


def _staff_item(email: str) -> StaffUserItem:
    try:
        return StaffUserItem.get(normalize_email(email), consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"No staff member {email}.", code="STAFF_NOT_FOUND") from exc


def _staff_save(item: StaffUserItem, before: dict, **audit) -> None:
    """Write `item` if its version is still the one read, with its audit entry."""
    entry = audit_entry(
        object_type="accounts.staff",
        object_id=item.email,
        before=before,
        after=_staff_snapshot(item),
        **audit,
    )
    stale = StaleObject(
        f"Staff member {item.email} was changed by someone else meanwhile. Reload and retry."
    )
    with condition_failed_as(stale), TransactWrite(connection=connection()) as tx:
        tx.save(item, condition=StaffUserItem.email.exists())
        tx.save(entry)


def staff_update(
    *,
    email: str,
    actor: str,
    now: datetime,
    full_name: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
    expected_version: int | None = None,
    request_id: str | None = None,
) -> StaffUser:
    """Change a staff member's name, role or active flag; deactivating revokes their tokens.

    Nobody can deactivate or demote themselves (a hotel must keep a manager who can log in).
    Raises NotFound, ValidationFailed, StaleObject.
    """
    item = _staff_item(email)
    if expected_version is not None and item.version != expected_version:
        raise StaleObject(f"Staff member {item.email} was changed by someone else meanwhile.")
    errors: dict[str, list[str]] = {}
    if role is not None and role not in roles.ROLES:
        errors["role"] = [f"Choose one of: {', '.join(roles.ROLES)}."]
    if normalize_email(actor) == item.email:
        if is_active is False:
            errors["isActive"] = ["You cannot deactivate your own account."]
        if role is not None and role != item.role:
            errors["role"] = ["You cannot change your own role; ask another manager."]
    if full_name is not None and len(full_name) > 150:
        errors["fullName"] = ["At most 150 characters."]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    before = _staff_snapshot(item)
    if full_name is not None:
        item.fullName = full_name.strip()
    if role is not None:
        item.role = role
    if is_active is not None:
        item.isActive = is_active
    if _staff_snapshot(item) != before:
        action = "deactivate" if before["isActive"] and not item.isActive else "update"
        _staff_save(item, before, actor=actor, action=action, now=now, request_id=request_id)
    if not item.isActive:
        api_tokens_revoke_all(email=item.email)
    return StaffUser.from_item(item)


def staff_set_password(
    *,
    email: str,
    password: str,
    actor: str,
    now: datetime,
    validate: bool = True,
    request_id: str | None = None,
) -> StaffUser:
    """Set a new password (one's own, or a manager's for someone else).

    Raises NotFound, ValidationFailed.
    """
    item = _staff_item(email)
    if validate:
        try:
            validate_password(password, user=StaffUser.from_item(item))
        except ValidationError as exc:
            raise ValidationFailed(details={"fields": {"password": list(exc.messages)}}) from exc
    before = _staff_snapshot(item)
    item.passwordHash = make_password(password)
    _staff_save(item, before, actor=actor, action="set_password", now=now, request_id=request_id)
    api_tokens_revoke_all(email=item.email)  # Sessions end by their auth hash; tokens here.
    return StaffUser.from_item(item)


def staff_user_persist(*, user: StaffUser, update_fields=None, rehash: bool = False) -> None:
    """Persist Django-side changes (password, last login, role…) to the StaffUserItem.

    A new password (Django's set_password + save, e.g. `manage.py changepassword`) revokes
    the member's API tokens; `rehash` marks the same password re-hashed at login, which
    does not.
    """
    fields = {
        "password": ("passwordHash", lambda u: u.password),
        "last_login": ("lastLogin", lambda u: u.last_login),
        "full_name": ("fullName", lambda u: u.full_name),
        "role": ("role", lambda u: u.role),
        "is_active": ("isActive", lambda u: u.is_active),
    }
    wanted = list(update_fields) if update_fields else list(fields)
    actions = []
    for field in wanted:
        if field not in fields:
            continue
        attr_name, getter = fields[field]
        attr = getattr(StaffUserItem, attr_name)
        value = getter(user)
        actions.append(attr.remove() if value is None else attr.set(value))
    if not actions:
        return
    # Read then write conditionally on the version we read: concurrent edits fail, not merge.
    item = StaffUserItem.get(user.email, consistent_read=True)
    before_hash = item.passwordHash
    try:
        item.update(actions=actions)
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise StaleObject(f"Staff member {user.email} changed meanwhile; retry.") from exc
        raise
    user._version = item.version
    if "password" in wanted and item.passwordHash != before_hash and not rehash:
        api_tokens_revoke_all(email=user.email)


# --- authentication with lockout ----------------------------------------------------------------


def _throttle_key(email: str) -> str:
    return f"login:{email}"


def login_locked_until(*, email: str, now: datetime) -> datetime | None:
    """When the email's attempts are used up, the moment its window ends; else None."""
    return throttle.full_until(
        _throttle_key(normalize_email(email)), limit=settings.LOGIN_MAX_FAILURES, now=now
    )


def _locked(until: datetime, now: datetime) -> LoginLocked:
    seconds = max(1, int((until - now).total_seconds()))
    minutes = max(1, (seconds + 59) // 60)
    return LoginLocked(
        f"Too many failed logins for this account. Try again in {minutes} minutes.",
        details={"retryAfterSeconds": seconds},
    )


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
    key = _throttle_key(email)
    try:
        slot = throttle.reserve(
            key,
            limit=settings.LOGIN_MAX_FAILURES,
            window_seconds=settings.LOGIN_LOCKOUT_SECONDS,
            now=now,
        )
    except throttle.Throttled as exc:
        raise _locked(exc.until, now) from exc
    user = staff_get(email=email)
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or make_password(secrets.token_urlsafe(16))
        check_password(password, _DUMMY_HASH)
        return None

    def upgrade(raw):
        user.set_password(raw)
        staff_user_persist(user=user, update_fields=["password"], rehash=True)

    if not check_password(password, user.password, setter=upgrade) or not user.is_active:
        return None
    throttle.reset_after_success(key, slot=slot)
    return user


# --- API tokens -------------------------------------------------------------------------------


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
    ApiTokenItem(
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
        item = ApiTokenItem.get(_hash_token(token))
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
    ApiTokenItem(tokenHash=_hash_token(token)).delete()


def api_tokens_revoke_all(*, email: str) -> int:
    """Revoke every token of a staff member (e.g. when they leave). Returns how many."""
    count = 0
    for item in ApiTokenItem.by_email.query(normalize_email(email)):
        ApiTokenItem(tokenHash=item.tokenHash).delete()
        count += 1
    return count
