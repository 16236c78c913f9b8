"""Catalog stamps: what changes rarely (room types, rooms, rate rules) read from a copy kept in
the process, and still never stale across processes.

Every write of the catalog sets a fresh random token on the stamp's item (`stamp_bump`); a
reader (`stamped`) reads the token — one eventually consistent GetItem of a tiny item, 0.5
RCU — and reloads its copy only when the token changed. A search then costs the same however
many rooms or rate rules the hotel has, and a change made on one worker reaches the others as
soon as DynamoDB's eventual consistency does (typically well under a second). Random tokens,
not counters: a table emptied and refilled (tests, a restored backup) never repeats a token a
process has cached.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from hotel.dynamo import meta, register

T = TypeVar("T")
_copies: dict[str, tuple[str, object]] = {}
_lock = threading.Lock()


@register
class Stamp(Model):
    Meta = meta("stamps")

    name = UnicodeAttribute(hash_key=True)  # e.g. "catalog"
    token = UnicodeAttribute()


def stamp_bump(name: str) -> None:
    """After a write of what `name` covers: every process reloads its copies."""
    Stamp(name=name, token=uuid.uuid4().hex).save()


def stamp_token(name: str) -> str | None:
    """The stamp's token (None: never written)."""
    try:
        return Stamp.get(name).token
    except DoesNotExist:
        return None


def stamped(name: str, key: str, load: Callable[[], T], *, token: str | None = None) -> T:
    """`load()`'s result, from this process's copy while stamp `name` is unchanged. Pass
    `token` when several copies share one read of the stamp. Nothing is kept while the stamp
    has never been written (data written around the services)."""
    token = stamp_token(name) if token is None else token
    if token is not None:
        with _lock:
            held = _copies.get(f"{name}:{key}")
        if held is not None and held[0] == token:
            return held[1]  # type: ignore[return-value]
    value = load()
    if token is not None:
        with _lock:
            _copies[f"{name}:{key}"] = (token, value)
    return value
