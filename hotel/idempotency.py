"""Idempotency-Key for POSTs (pretix's habit): the same caller, key and body get the same response.

A first request claims the key with a conditional put; its response is stored on the
key. A retry with the same body replays that response; with a different body it is
refused (422); while the first is still in flight the retry gets 409.

DynamoDB may write and not answer: the claim carries a `claimId`, so botocore's retry of
the put finds the key its own; a claim whose put failed, or whose request failed, is
released; a response that cannot be stored is still given (a retry then gets 409).

A request that dies holding its key (a crash, a timeout of the function) leaves it without
an answer: once the key's lease (HOTEL_IDEMPOTENCY_LEASE_SECONDS, longer than any request
runs) is over, a retry takes the key over. An endpoint whose work is one transaction marks
the key in it (`recover` given: `Claim.mark(tx, ref)` with what it made, e.g. a booking id),
so the retry answers from that (`recover(ref)`) when the dead request's work was done, and
does the work when it was not; the mark's condition (the key still the request's own) makes
a request whose key was taken over fail instead of doing the work twice. An endpoint that
does not mark cannot tell whether the dead request did its work: its key is taken over only
if running the work again is harmless (`rerun_safe`: e.g. an invoice, whose issue carries a
key of its own); otherwise the retry gets 409 IDEMPOTENCY_KEY_UNFINISHED — read what the
request was to change, and send a new key if it is not there — never a second charge or a
second posting.

Keys are scoped to the caller (Stripe's habit: a key belongs to whoever sent it): a staff
member's keys are theirs alone, a holder of a secret (a guest's booking token) shares keys
only with that secret, anonymous callers share one space. The table stores only a SHA-256 of
scope, caller and key, and never the response's secrets (`secret_fields`, e.g. a booking's
guestToken): the first answer carries them, a replay does not, whoever asks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from pynamodb.attributes import JSONAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, PynamoDBException
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, is_transient, meta, register
from hotel.errors import Conflict, DomainError

logger = logging.getLogger(__name__)

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
    # The request that claimed the key: botocore retries a put whose answer was lost, and
    # that retry must find the key its own, not another request's in flight.
    claimId = UnicodeAttribute(null=True)
    # What the request made (Claim.mark), written in its own transaction: a retry after the
    # request died answers from it (`recover`).
    ref = UnicodeAttribute(null=True)


@dataclass(frozen=True)
class Claim:
    """The key a request holds while it runs (given to `call` when `recover` is)."""

    item: IdempotencyKey

    def mark(self, tx, ref: str) -> None:
        """In the request's own transaction: note `ref` (what it makes) on the key,
        conditional on the key still being this request's."""
        tx.update(
            self.item,
            actions=[IdempotencyKey.ref.set(ref)],
            condition=IdempotencyKey.claimId == self.item.claimId,
        )


def lease() -> timedelta:
    """How long a key without an answer counts as in flight; then its request is dead."""
    return timedelta(seconds=settings.HOTEL_IDEMPOTENCY_LEASE_SECONDS)


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
    call: Callable[..., tuple[int, dict]],
    caller: str = ANONYMOUS,
    secret_fields: tuple[str, ...] = ("guestToken",),
    recover: Callable[[str], tuple[int, dict]] | None = None,
    rerun_safe: bool = False,
) -> tuple[int, dict]:
    """Run `call` once per (scope, caller, key); replay its (status, body) for identical
    retries by the same caller, without `secret_fields` (never stored).

    With `recover`, `call(claim)` gets the Claim to mark in its transaction, and a retry
    after the request died answers `recover(ref)` (module docstring). Without it, the key of a
    request that died is taken over only when `rerun_safe`.

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
        claimId=uuid.uuid4().hex,
    )
    try:
        item.save(condition=IdempotencyKey.key.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            if is_transient(exc):  # unanswered, yet maybe written: free the key for a retry
                _release(item)
            raise
        replayed = _replay(
            item, now=now, recover=recover, secret_fields=secret_fields, rerun_safe=rerun_safe
        )
        if replayed is not None:
            return replayed
    try:
        status, body = call(Claim(item)) if recover is not None else call()
    except Exception:
        _release(item)  # Errors are not cached: the same key may be retried.
        raise
    return _answer(item, status, body, secret_fields=secret_fields)


def _answer(item: IdempotencyKey, status: int, body: dict, *, secret_fields) -> tuple[int, dict]:
    """Store the answer on the key (best effort) and give it."""
    stored = {name: value for name, value in body.items() if name not in secret_fields}
    try:
        item.update(
            actions=[IdempotencyKey.statusCode.set(status), IdempotencyKey.body.set(stored)]
        )
    except PynamoDBException as exc:
        if not is_transient(exc):
            raise
        # What `call` did is done: answer it. A retry of this key finds it in flight (409)
        # until the lease is over, then answers from the mark.
        logger.warning("Could not store the answer of idempotency key %s", item.key)
    return status, body


def _release(claim: IdempotencyKey) -> None:
    """Delete `claim` if it is there (best effort: a failure is logged, and the caller's own
    error is the one that propagates)."""
    try:
        claim.delete(condition=IdempotencyKey.claimId == claim.claimId)
    except PynamoDBException:
        logger.warning("Could not release idempotency key %s", claim.key)


def _replay(
    claim: IdempotencyKey, *, now: datetime, recover, secret_fields, rerun_safe: bool = False
) -> tuple[int, dict] | None:
    """The answer stored for `claim`'s key (or recovered from the mark of a request that
    died); None when the key holds `claim` itself (or now does: taken over)."""
    try:
        stored = IdempotencyKey.get(claim.key, consistent_read=True)
    except DoesNotExist as exc:  # The first request failed and released the key meanwhile.
        raise Conflict("The first request with this Idempotency-Key failed; retry.") from exc
    if stored.claimId == claim.claimId:
        return None
    if stored.fingerprint != claim.fingerprint:
        raise IdempotencyKeyReused()
    if stored.statusCode is not None:
        return stored.statusCode, stored.body
    if stored.createdAt > now - lease():
        raise _in_progress()
    if stored.ref is not None and recover is not None:  # the dead request's work was done
        return _answer(claim, *recover(stored.ref), secret_fields=secret_fields)
    if recover is None and not rerun_safe:
        raise Conflict(
            "The first request with this Idempotency-Key stopped before answering, and what "
            "it did cannot be told from here: read what it was to change, and send a new key "
            "if the change is not there.",
            code="IDEMPOTENCY_KEY_UNFINISHED",
        )
    try:  # nothing was made (or nothing says so): this request does the work
        claim.save(
            condition=(IdempotencyKey.claimId == stored.claimId)
            & IdempotencyKey.statusCode.does_not_exist()
            & IdempotencyKey.ref.does_not_exist()
        )
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        # Another retry took it over first — or this put was written and its answer lost,
        # and botocore's retry found its own claim: then the key is ours.
        if _holder(claim.key) != claim.claimId:
            raise _in_progress() from exc
    logger.warning("Idempotency key %s taken over from a request that died", claim.key)
    return None


def _holder(key: str) -> str | None:
    """The claimId now holding `key` (None: gone)."""
    try:
        return IdempotencyKey.get(key, consistent_read=True).claimId
    except DoesNotExist:
        return None


def _in_progress() -> Conflict:
    return Conflict(
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        code="IDEMPOTENCY_IN_PROGRESS",
    )
