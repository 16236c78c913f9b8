"""Staff accounts, sessions, API tokens and login throttling — all in DynamoDB.

`StaffUserItem` is the stored record. `StaffUser` is the unmanaged Django model
that `django.contrib.auth` and the admin expect (`_meta`, `login()`,
`AuthenticationForm`); its `save()` writes the DynamoDB item and it never
touches an ORM database.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from pynamodb.attributes import (
    BooleanAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register

from . import roles


@register
class StaffUserItem(Model):
    Meta = meta("staff")

    email = UnicodeAttribute(hash_key=True)
    fullName = UnicodeAttribute(default="")
    role = UnicodeAttribute()
    isActive = BooleanAttribute(default=True)
    passwordHash = UnicodeAttribute(default="")
    lastLogin = UTCDateTimeAttribute(null=True)
    createdAt = UTCDateTimeAttribute()
    version = VersionAttribute()

    def __str__(self) -> str:
        return self.email


@register
class SessionItem(Model):
    """A Django session; DynamoDB's TTL deletes it, and the store checks expiry itself too."""

    Meta = meta("sessions")

    sessionKey = UnicodeAttribute(hash_key=True)
    data = UnicodeAttribute()
    expiresAt = TTLAttribute()


class ApiTokenEmailIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "email-createdAt-index"
        projection = KeysOnlyProjection()

    email = UnicodeAttribute(hash_key=True)
    createdAt = UTCDateTimeAttribute(range_key=True)


@register
class ApiTokenItem(Model):
    """A bearer token, stored only as its SHA-256 so a table leak reveals no usable token."""

    Meta = meta("api-tokens")

    tokenHash = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()
    label = UnicodeAttribute(default="")
    createdAt = UTCDateTimeAttribute()
    expiresAt = TTLAttribute()
    # An HMAC of the password hash at issue time (hotel.accounts.services): a token stops
    # working when the password changes, as sessions do. None on tokens from before it.
    passwordStamp = UnicodeAttribute(null=True)
    by_email = ApiTokenEmailIndex()


@register
class LoginThrottleItem(Model):
    """Attempt slots of one key (a login email, a booking reference, a client address) in
    the current window (hotel.accounts.throttle); the item expires with its window."""

    Meta = meta("login-throttle")

    key = UnicodeAttribute(hash_key=True)
    failures = IntegerAttribute(default=0)  # slots spent in the window (attempts, not verdicts)
    expiresAt = TTLAttribute()  # the window's end


class StaffUser(AbstractBaseUser):
    """Django's view of a staff member; persisted as a StaffUserItem."""

    email = models.EmailField(primary_key=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, choices=list(roles.ROLE_LABELS.items()))
    is_active = models.BooleanField(default=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["role"]

    # Everyone with an account is staff; what they may do is decided by their role.
    is_superuser = False

    class Meta:
        managed = False
        app_label = "accounts"
        verbose_name = "staff member"
        verbose_name_plural = "staff"

    _version: int | None = None
    _created_at = None

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        return self.is_active

    @property
    def role_label(self) -> str:
        return roles.ROLE_LABELS.get(self.role, self.role)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]

    def has_perm(self, perm: str, obj=None) -> bool:
        return self.is_active and roles.role_has_perm(self.role, perm)

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(p, obj) for p in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and roles.role_has_module_perms(self.role, app_label)

    def get_all_permissions(self, obj=None) -> set[str]:
        return set(roles.ROLE_GRANTS.get(self.role, ()))

    # --- persistence ---------------------------------------------------------------------------

    @classmethod
    def from_item(cls, item: StaffUserItem) -> StaffUser:
        user = cls(
            email=item.email,
            full_name=item.fullName,
            role=item.role,
            is_active=item.isActive,
            password=item.passwordHash,
            last_login=item.lastLogin,
        )
        user._version = item.version
        user._created_at = item.createdAt
        return user

    def save(self, *args, update_fields=None, **kwargs) -> None:
        """Write to DynamoDB. With `update_fields` only those attributes change."""
        from .services import staff_user_persist

        staff_user_persist(user=self, update_fields=update_fields)

    def delete(self, *args, **kwargs):
        raise NotImplementedError("Deactivate staff instead of deleting them (audit history).")
