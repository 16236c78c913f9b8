"""Integrators' API keys: create, list, revoke, and resolve a presented key.

A key is `hkey_<keyId>_<secret>`: the prefix tells it from a staff token (`hk_…`, one
character apart, so no staff token can take the key path), the key id finds the item with
one GetItem, and the secret is checked against its stored SHA-256 in constant time. The key
is shown once, when created; revoking keeps the item (revokedAt) for the list and the audit.

Each request made with a key first spends a slot of the key's per-minute window
(hotel.throttle, key space `api-key:<keyId>`, HOTEL_API_KEY_RATE slots), so parallel
requests cannot exceed the rate. lastUsedAt is written at most once a minute per key, so a
busy integrator does not cost a write per request.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from hotel.api.scopes import SCOPES
from hotel.audit.services import audit_add
from hotel.dynamo import condition_failed_as, conditional_check_failed, new_transaction
from hotel.errors import Conflict, NotFound, ValidationFailed
from hotel.throttle import reserve

from ..models import ApiKey

logger = logging.getLogger(__name__)

KEY_PREFIX = "hkey_"
_KEY = re.compile(r"^hkey_(AK-[0-9A-F]{16})_([A-Za-z0-9_-]{43})$")
_OBJECT_TYPE = "accounts.apikey"
TOUCH_EVERY = timedelta(minutes=1)
RATE_WINDOW_SECONDS = 60
NAME_MAX = 100
# Compared against when the key id is unknown: the same work as for a wrong secret.
_NO_SUCH_KEY = hashlib.sha256(b"no such key").hexdigest()


@dataclass(frozen=True)
class IssuedApiKey:
    item: ApiKey
    key: str  # shown once


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_snapshot(item: ApiKey) -> dict:
    """The audited and listed view of a key (never the key or its hash)."""
    return {
        "keyId": item.keyId,
        "name": item.name,
        "scopes": list(item.scopes or []),
        "createdBy": item.createdBy,
        "revoked": item.revokedAt is not None,
    }


def _validated(name: str, scopes: list[str]) -> tuple[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = [f"Give the key a name of 1 to {NAME_MAX} characters."]
    unknown = sorted(set(scopes or []) - set(SCOPES))
    if not scopes or unknown:
        errors["scopes"] = [f"Choose one or more of: {', '.join(SCOPES)}."]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    return name, sorted(set(scopes))


def api_key_create(
    *, name: str, scopes: list[str], actor: str, now: datetime, request_id: str | None = None
) -> IssuedApiKey:
    """Create a key with these scopes; the returned `key` is the only copy of it.

    Raises ValidationFailed (no name, no or unknown scopes).
    """
    name, scopes = _validated(name, scopes)
    key_id = "AK-" + secrets.token_hex(8).upper()
    secret = secrets.token_urlsafe(32)
    item = ApiKey(
        keyId=key_id,
        name=name,
        scopes=scopes,
        secretHash=_hash_secret(secret),
        createdAt=now,
        createdBy=actor,
    )
    with condition_failed_as(Conflict("Key id collision; retry.")), new_transaction() as tx:
        tx.save(item, condition=ApiKey.keyId.does_not_exist())
        audit_add(
            tx,
            actor=actor,
            action="create",
            object_type=_OBJECT_TYPE,
            object_id=key_id,
            before=None,
            after=api_key_snapshot(item),
            now=now,
            request_id=request_id,
        )
    return IssuedApiKey(item=item, key=f"{KEY_PREFIX}{key_id}_{secret}")


def api_key_get(*, key_id: str) -> ApiKey:
    """Raises NotFound (API_KEY_NOT_FOUND)."""
    try:
        return ApiKey.get(key_id[:40], consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"No API key {key_id[:40]}.", code="API_KEY_NOT_FOUND") from exc


def api_keys_list() -> list[ApiKey]:
    """Every key, newest first, revoked ones included (a handful: a Scan is the read)."""
    return sorted(ApiKey.scan(), key=lambda item: item.createdAt, reverse=True)


def api_key_revoke(
    *, key_id: str, actor: str, now: datetime, request_id: str | None = None
) -> ApiKey:
    """Revoke a key: from now on it authenticates nothing. Revoking a revoked key changes
    nothing. Raises NotFound."""
    item = api_key_get(key_id=key_id)
    if item.revokedAt is not None:
        return item
    before = api_key_snapshot(item)
    item.revokedAt, item.revokedBy = now, actor
    try:
        with new_transaction() as tx:
            tx.update(
                item,
                actions=[ApiKey.revokedAt.set(now), ApiKey.revokedBy.set(actor)],
                condition=ApiKey.keyId.exists() & ApiKey.revokedAt.does_not_exist(),
            )
            audit_add(
                tx,
                actor=actor,
                action="revoke",
                object_type=_OBJECT_TYPE,
                object_id=item.keyId,
                before=before,
                after=api_key_snapshot(item),
                now=now,
                request_id=request_id,
            )
    except TransactWriteError as exc:
        if not conditional_check_failed(exc):
            raise
        return api_key_get(key_id=key_id)  # revoked meanwhile by someone else
    return item


def api_key_verify(*, key: str) -> ApiKey | None:
    """The live key item `key` names, else None: malformed, unknown, wrong secret or
    revoked all look the same to the caller."""
    match = _KEY.match(key or "")
    if match is None:
        return None
    key_id, secret = match.groups()
    try:
        item = ApiKey.get(key_id, consistent_read=True)  # a revocation counts at once
    except DoesNotExist:
        hmac.compare_digest(_NO_SUCH_KEY, _hash_secret(secret))
        return None
    if not hmac.compare_digest(item.secretHash, _hash_secret(secret)):
        return None
    return item if item.revokedAt is None else None


def api_key_rate_reserve(*, key_id: str, now: datetime) -> None:
    """Spend one request of the key's minute. Raises hotel.throttle.Throttled when the
    HOTEL_API_KEY_RATE requests of the window are spent (0: no limit)."""
    limit = settings.HOTEL_API_KEY_RATE
    if limit > 0:
        reserve(f"api-key:{key_id}", limit=limit, window_seconds=RATE_WINDOW_SECONDS, now=now)


def api_key_touch(*, item: ApiKey, now: datetime) -> None:
    """Record that the key was used, unless that was recorded less than a minute ago (also
    by a parallel request: the write is conditional). Never fails the request."""
    if item.lastUsedAt is not None and now - item.lastUsedAt < TOUCH_EVERY:
        return
    stale = ApiKey.lastUsedAt.does_not_exist() | (ApiKey.lastUsedAt < now - TOUCH_EVERY)
    try:
        item.update(actions=[ApiKey.lastUsedAt.set(now)], condition=ApiKey.keyId.exists() & stale)
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            logger.warning("lastUsedAt of API key %s not written: %s", item.keyId, exc)
