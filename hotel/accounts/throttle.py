"""Attempt slots: at most `limit` verdicts per key inside a window, whatever the concurrency.

Each attempt reserves a slot *before* its credentials are checked, with one conditional
UpdateItem (ADD 1 if the window is live and not full), so parallel requests cannot all read
"not locked yet" and then all be checked: the (limit + 1)-th reservation fails in DynamoDB.
A window starts with its first attempt and lasts `window_seconds`; a full window refuses
until it ends, then the next attempt starts a fresh one. A reserved slot is spent whether
the attempt then succeeds or not. The items live in the login-throttle table and its TTL
drops them after their window.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from .models import LoginThrottleItem

_ROUNDS = 8  # contended resets retry; each round is one conditional write


class Throttled(Exception):
    """The key's window is full until `until`."""

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
    item = LoginThrottleItem(key)
    for _ in range(_ROUNDS):
        try:
            item.update(
                actions=[LoginThrottleItem.failures.add(1)],
                condition=(
                    LoginThrottleItem.key.exists()
                    & (LoginThrottleItem.failures < limit)
                    & (LoginThrottleItem.expiresAt > now)
                ),
            )
            return item.failures
        except UpdateError as exc:
            if not _conditional_failed(exc):
                raise
        # No live window with room: none yet, a full one, or an ended one.
        try:
            current = LoginThrottleItem.get(key, consistent_read=True)
        except DoesNotExist:
            current = None
        if current is not None and current.expiresAt > now:
            if (current.failures or 0) >= limit:
                raise Throttled(current.expiresAt, now)
            continue  # Room again (a success reset it meanwhile): reserve normally.
        fresh = LoginThrottleItem(key, failures=1, expiresAt=now + window)
        condition = (
            LoginThrottleItem.key.does_not_exist()
            if current is None
            else LoginThrottleItem.expiresAt == current.expiresAt
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
        until = LoginThrottleItem.get(key, consistent_read=True).expiresAt
    except DoesNotExist:
        until = now + window
    raise Throttled(max(until, now + timedelta(seconds=1)), now)


def reset_after_success(key: str, *, slot: int) -> None:
    """Forget the window after a successful attempt, unless others reserved slots since.

    Conditional on the count still being `slot`: a success in the middle of a storm of
    guesses does not reopen the window for the guesses already waiting.
    """
    try:
        LoginThrottleItem(key).delete(condition=LoginThrottleItem.failures == slot)
    except DeleteError as exc:
        if not _conditional_failed(exc):
            raise


def full_until(key: str, *, limit: int, now: datetime) -> datetime | None:
    """When `key`'s window is full, the moment it ends; else None (a read, for messages)."""
    try:
        item = LoginThrottleItem.get(key)
    except DoesNotExist:
        return None
    if (item.failures or 0) >= limit and item.expiresAt > now:
        return item.expiresAt
    return None
