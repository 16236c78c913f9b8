"""Idempotency-Key for POSTs (pretix's habit): the same caller, key and body get the same response.

A first request claims the key with a conditional put; its response is stored on the
key. A retry with the same body replays that response; with a different body it is
refused (422); while the first is still in flight the retry gets 409.

Keys are scoped to the caller (Stripe's habit: a key belongs to whoever sent it): a staff
member's keys are theirs alone, a holder of a secret (a guest's booking token) shares keys
only with that secret, anonymous callers share one space. The table stores only a SHA-256 of
scope, caller and key, and never the response's secrets (`secret_fields`, e.g. a booking's
guestToken): the first answer carries them, a replay does not, whoever asks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from pynamodb.attributes import JSONAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register
from hotel.errors import Conflict, DomainError

KEY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "IDEMPOTENCY_KEY_REUSED"
    default_message = "This Idempotency-Key was already used with a different request body."


@register
class IdempotencyKey(Model):
    Meta = meta("idempotency-keys")

    key = UnicodeAttribute(hash_key=True)
    fingerprint = UnicodeAttribute()
    statusCode = IntegerAttribute(null=True)  # None while the first request is in flight
    body = JSONAttribute(null=True)
    createdAt = UTCDateTimeAttribute()
    expiresAt = TTLAttribute()


ANONYMOUS = "anonymous"


def fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def request_caller(request, *, held_secret: str | None = None) -> str:
    """Whom a request's keys belong to: the signed-in user, else the holder of
    `held_secret` (e.g. a guest's booking token; only its hash is used), else ANONYMOUS."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.get_username()}"
    if held_secret:
        return "holder:" + hashlib.sha256(held_secret.encode()).hexdigest()
    return ANONYMOUS


def _storage_key(scope: str, caller: str, key: str) -> str:
    digest = hashlib.sha256("\x00".join((scope, caller, key)).encode()).hexdigest()
    return f"{scope}:{digest}"


def idempotent(
    *,
    scope: str,
    key: str,
    payload,
    now: datetime,
    call: Callable[[], tuple[int, dict]],
    caller: str = ANONYMOUS,
    secret_fields: tuple[str, ...] = ("guestToken",),
) -> tuple[int, dict]:
    """Run `call` once per (scope, caller, key); replay its (status, body) for identical
    retries by the same caller, without `secret_fields` (never stored).

    Raises IdempotencyKeyReused (different body), Conflict (first request in flight),
    or whatever `call` raises (the key is then released so the client can retry).
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.",
            code="VALIDATION_ERROR",
            details={"fields": {"Idempotency-Key": ["Invalid length."]}},
        )
    item = IdempotencyKey(
        key=_storage_key(scope, caller, key),
        fingerprint=fingerprint(payload),
        createdAt=now,
        expiresAt=now + KEY_TTL,
    )
    try:
        item.save(condition=IdempotencyKey.key.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return _replay(item)
    try:
        status, body = call()
    except Exception:
        item.delete()  # Errors are not cached: the same key may be retried.
        raise
    stored = {name: value for name, value in body.items() if name not in secret_fields}
    item.update(actions=[IdempotencyKey.statusCode.set(status), IdempotencyKey.body.set(stored)])
    return status, body


def _replay(claim: IdempotencyKey) -> tuple[int, dict]:
    try:
        stored = IdempotencyKey.get(claim.key, consistent_read=True)
    except DoesNotExist as exc:  # The first request failed and released the key meanwhile.
        raise Conflict("The first request with this Idempotency-Key failed; retry.") from exc
    if stored.fingerprint != claim.fingerprint:
        raise IdempotencyKeyReused()
    if stored.statusCode is None:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            code="IDEMPOTENCY_IN_PROGRESS",
        )
    return stored.statusCode, stored.body
