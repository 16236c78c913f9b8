"""Staff members: create, change (name, role, active), set a password. Services take `now=`.

Every change is written with its audit entry; deactivating someone or setting their password
revokes their API tokens (sessions end by themselves: their auth hash no longer matches).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pynamodb.exceptions import DoesNotExist, PutError

from hotel.audit.services import audit_add, audit_record
from hotel.dynamo import condition_failed_as, new_transaction
from hotel.errors import Conflict, NotFound, StaleObject, ValidationFailed

from .. import roles
from ..models import ApiToken, StaffAccount, StaffUser, normalize_email


def staff_get(*, email: str) -> StaffUser | None:
    try:
        return StaffUser.from_item(StaffAccount.get(normalize_email(email)))
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
    item = StaffAccount(
        email=email,
        fullName=full_name,
        role=role,
        isActive=True,
        passwordHash=make_password(password),
        createdAt=now,
    )
    try:
        item.save(condition=StaffAccount.email.does_not_exist())
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


def _staff_snapshot(item: StaffAccount) -> dict:
    """The audited view of a staff member (never the password hash)."""
    return {
        "email": item.email,
        "fullName": item.fullName,
        "role": item.role,
        "isActive": item.isActive,
    }


def _staff_item(email: str) -> StaffAccount:
    try:
        return StaffAccount.get(normalize_email(email), consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"No staff member {email}.", code="STAFF_NOT_FOUND") from exc


def _staff_save(item: StaffAccount, before: dict, **audit) -> None:
    """Write `item` if its version is still the one read, with its audit entry."""
    stale = StaleObject(
        f"Staff member {item.email} was changed by someone else meanwhile. Reload and retry."
    )
    with condition_failed_as(stale), new_transaction() as tx:
        tx.save(item, condition=StaffAccount.email.exists())
        audit_add(
            tx,
            object_type="accounts.staff",
            object_id=item.email,
            before=before,
            after=_staff_snapshot(item),
            **audit,
        )


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
        ApiToken.revoke_all_of(item.email)
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
    ApiToken.revoke_all_of(item.email)  # Sessions end by their auth hash; tokens here.
    return StaffUser.from_item(item)
