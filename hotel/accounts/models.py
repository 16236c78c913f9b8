"""Staff accounts, sessions and API tokens — all in DynamoDB.

`StaffAccount` is the stored record. `StaffUser` is the unmanaged Django model
that `django.contrib.auth` and the admin expect (`_meta`, `login()`,
`AuthenticationForm`); its `save()` writes the DynamoDB item and it never
touches an ORM database. The layer below the services: it imports nothing of them
(login attempts are counted by the platform's hotel.throttle).
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import UpdateError
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from hotel.dynamo import meta, register
from hotel.errors import StaleObject

from . import roles


def normalize_email(email: str) -> str:
    """The staff table's key form of an email address (trimmed, lower case)."""
    return (email or "").strip().lower()


@register
class StaffAccount(Model):
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
class StoredSession(Model):
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
class ApiToken(Model):
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

    @classmethod
    def revoke_all_of(cls, email: str) -> int:
        """Delete every token of a staff member (already normalized). Returns how many.

        Here, not in the services, because saving a StaffUser with a new password revokes
        its tokens too (see `StaffUser.persist`).
        """
        count = 0
        for item in cls.by_email.query(email):
            cls(tokenHash=item.tokenHash).delete()
            count += 1
        return count


@register
class ApiKey(Model):
    """An integrator's scoped API key (hotel.accounts.services.api_keys). The key is
    `hkey_<keyId>_<secret>`; only the secret's SHA-256 is stored, so a table leak reveals
    no usable key. Revoked keys stay, for the audit trail and the list."""

    Meta = meta("api-keys")

    keyId = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    scopes = ListAttribute(of=UnicodeAttribute, default=list)
    secretHash = UnicodeAttribute()
    createdAt = UTCDateTimeAttribute()
    createdBy = UnicodeAttribute()
    revokedAt = UTCDateTimeAttribute(null=True)
    revokedBy = UnicodeAttribute(null=True)
    lastUsedAt = UTCDateTimeAttribute(null=True)  # written at most once a minute


class StaffUser(AbstractBaseUser):
    """Django's view of a staff member; persisted as a StaffAccount."""

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
    def from_item(cls, item: StaffAccount) -> StaffUser:
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
        self.persist(update_fields=update_fields)

    _PERSISTED = {
        "password": ("passwordHash", lambda u: u.password),
        "last_login": ("lastLogin", lambda u: u.last_login),
        "full_name": ("fullName", lambda u: u.full_name),
        "role": ("role", lambda u: u.role),
        "is_active": ("isActive", lambda u: u.is_active),
    }

    def persist(self, *, update_fields=None, rehash: bool = False) -> None:
        """Persist Django-side changes (password, last login, role…) to the StaffAccount.

        A new password (Django's set_password + save, e.g. `manage.py changepassword`)
        revokes the member's API tokens; `rehash` marks the same password re-hashed at
        login, which does not.
        """
        wanted = list(update_fields) if update_fields else list(self._PERSISTED)
        actions = []
        for field in wanted:
            if field not in self._PERSISTED:
                continue
            attr_name, getter = self._PERSISTED[field]
            attr = getattr(StaffAccount, attr_name)
            value = getter(self)
            actions.append(attr.remove() if value is None else attr.set(value))
        if not actions:
            return
        # Read then write conditionally on the version we read: concurrent edits fail, not merge.
        item = StaffAccount.get(self.email, consistent_read=True)
        before_hash = item.passwordHash
        try:
            item.update(actions=actions)
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise StaleObject(f"Staff member {self.email} changed meanwhile; retry.") from exc
            raise
        self._version = item.version
        if "password" in wanted and item.passwordHash != before_hash and not rehash:
            ApiToken.revoke_all_of(self.email)

    def delete(self, *args, **kwargs):
        raise NotImplementedError("Deactivate staff instead of deleting them (audit history).")
