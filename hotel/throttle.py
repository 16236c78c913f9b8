"""Attempt slots: at most `limit` verdicts per key inside a window, whatever the concurrency.

Anything that checks a guessable secret (a staff password, a booking reference and email)
throttles the same way, so the mechanism lives here, below the apps; each caller owns its
key space (`login:<email>`, `booking-lookup:ref:<reference>`…) and its limits.

Each attempt reserves a slot *before* its credentials are checked, with one conditional
UpdateItem (ADD 1 if the window is live and not full), so parallel requests cannot all read
"not locked yet" and then all be checked: the (limit + 1)-th reservation fails in DynamoDB.
A window starts with its first attempt and lasts `window_seconds`; a full window refuses
until it ends (`Throttled.retry_after`, for a Retry-After header), then the next attempt
starts a fresh one. A reserved slot is spent whether the attempt then succeeds or not.

The counters live in the `throttle` table (every key space: logins, booking lookups) and
its TTL drops them after their window. It was `login-throttle` until booking lookups shared
it; the counters only live for a window, so a new table loses nothing worth keeping.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError
from pynamodb.models import Model

from hotel.dynamo import IntegerAttribute, meta, register

_ROUNDS = 8  # contended resets retry; each round is one conditional write


@register
class ThrottleCounter(Model):
    """Attempt slots of one key (a login email, a booking reference, a client address) in
    the current window; the item expires with its window."""

    Meta = meta("throttle")

    key = UnicodeAttribute(hash_key=True)
    failures = IntegerAttribute(default=0)  # slots spent in the window (attempts, not verdicts)
    expiresAt = TTLAttribute()  # the window's end


class Throttled(Exception):
    """The key's window is full until `until`; `retry_after` is whole seconds from now."""

    def __init__(self, until: datetime, now: datetime):
        self.until = until
        self.retry_after = max(1, math.ceil((until - now).total_seconds()))
        super().__init__(f"throttled for {self.retry_after} s")


def _conditional_failed(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def reserve(key: str, *, limit: int, window_seconds: int, now: datetime) -> int:
    """Spend one slot of `key`'s window; return its number (1 = the window's first).

    Raises Throttled when the window already holds `limit` attempts.
    """
    window = timedelta(seconds=window_seconds)
    item = ThrottleCounter(key)
    for _ in range(_ROUNDS):
        try:
            item.update(
                actions=[ThrottleCounter.failures.add(1)],
                condition=(
                    ThrottleCounter.key.exists()
                    & (ThrottleCounter.failures < limit)
                    & (ThrottleCounter.expiresAt > now)
                ),
            )
            return item.failures
        except UpdateError as exc:
            if not _conditional_failed(exc):
                raise
        # No live window with room: none yet, a full one, or an ended one.
        try:
            current = ThrottleCounter.get(key, consistent_read=True)
        except DoesNotExist:
            current = None
        if current is not None and current.expiresAt > now:
            if (current.failures or 0) >= limit:
                raise Throttled(current.expiresAt, now)
            continue  # Room again (a success reset it meanwhile): reserve normally.
        fresh = ThrottleCounter(key, failures=1, expiresAt=now + window)
        condition = (
            ThrottleCounter.key.does_not_exist()
            if current is None
            else ThrottleCounter.expiresAt == current.expiresAt
        )
        try:
            fresh.save(condition=condition)  # Only one of racing starters wins.
            return 1
        except PutError as exc:
            if not _conditional_failed(exc):
                raise
    # Lost every round to other writers: a storm; refuse rather than check unthrottled.
    return _refuse(key, now=now, window=window)


def _refuse(key: str, *, now: datetime, window: timedelta) -> int:
    try:
        until = ThrottleCounter.get(key, consistent_read=True).expiresAt
    except DoesNotExist:
        until = now + window
    raise Throttled(max(until, now + timedelta(seconds=1)), now)


def reset_after_success(key: str, *, slot: int) -> None:
    """Forget the window after a successful attempt, unless others reserved slots since.

    Conditional on the count still being `slot`: a success in the middle of a storm of
    guesses does not reopen the window for the guesses already waiting.
    """
    try:
        ThrottleCounter(key).delete(condition=ThrottleCounter.failures == slot)
    except DeleteError as exc:
        if not _conditional_failed(exc):
            raise


def full_until(key: str, *, limit: int, now: datetime) -> datetime | None:
    """When `key`'s window is full, the moment it ends; else None (a read, for messages)."""
    try:
        item = ThrottleCounter.get(key)
    except DoesNotExist:
        return None
    if (item.failures or 0) >= limit and item.expiresAt > now:
        return item.expiresAt
    return None
