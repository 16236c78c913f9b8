"""Pagination tokens: a DynamoDB `LastEvaluatedKey`, signed for one list, and paging with it."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core import signing
from pynamodb.models import Model


class InvalidCursor(ValueError):
    pass


CURSOR_SALT = "hotel.dynamo.cursor"


def _cursor_salt(scope: str) -> str:
    return f"{CURSOR_SALT}:{scope}"


def encode_cursor(key: dict | None, scope: str = "") -> str | None:
    """Sign a DynamoDB `LastEvaluatedKey` as an opaque, URL-safe token for one list.

    `scope` names the list and its filters (e.g. "rooms:status=available"): a token is only
    accepted back with the same scope, so a hand-made token, or one taken from another list
    or index, is refused (InvalidCursor) before DynamoDB ever sees it.
    """
    if not key:
        return None
    return signing.dumps(key, salt=_cursor_salt(scope), compress=True)


def decode_cursor(token: str | None, scope: str = "") -> dict | None:
    """Decode a token from `encode_cursor` for the same `scope`; raise InvalidCursor otherwise."""
    if not token:
        return None
    try:
        key = signing.loads(token, salt=_cursor_salt(scope))
    except (signing.BadSignature, ValueError, UnicodeError, zlib.error) as exc:
        raise InvalidCursor("nextToken is not valid for this list.") from exc
    if not isinstance(key, dict) or not all(
        isinstance(v, dict)
        and len(v) == 1
        and next(iter(v)) in ("S", "N")
        and isinstance(next(iter(v.values())), str)
        for v in key.values()
    ):
        raise InvalidCursor("nextToken is not valid for this list.")
    return key


def item_key(item: Model, index: Any = None) -> dict:
    """The `ExclusiveStartKey` that resumes a scan/query right after `item`."""
    names = set()
    for attr in type(item).get_attributes().values():
        if attr.is_hash_key or attr.is_range_key:
            names.add(attr.attr_name)
    if index is not None:
        # PynamoDB indexes have no _range_key_attribute(); their keys are in Meta.attributes.
        for schema in index.Meta.attributes.values():
            if schema.is_hash_key or schema.is_range_key:
                names.add(schema.attr_name)
    key = {}
    for name, attr in type(item).get_attributes().items():
        if attr.attr_name in names:
            value = getattr(item, name)
            key[attr.attr_name] = {attr.attr_type: attr.serialize(value)}
    return key


def paginate(
    fetch: Callable[..., Iterable[Model]],
    *,
    limit: int,
    cursor: str | None,
    index: Any = None,
    scope: str = "",
) -> tuple[list[Model], str | None]:
    """Collect up to `limit` items from a scan/query, resuming at `cursor`.

    `fetch(last_evaluated_key=…, page_size=…)` returns PynamoDB's result iterator.
    Reads one item past `limit` so the cursor is returned only when more remain;
    the cursor resumes right after the last item returned; it is signed for `scope` (see
    `encode_cursor`). Raises InvalidCursor.
    """
    start = decode_cursor(cursor, scope)
    results = iter(fetch(last_evaluated_key=start, page_size=min(limit + 1, 1000)))
    items: list[Model] = []
    for item in results:
        if len(items) == limit:
            return items, encode_cursor(item_key(items[-1], index), scope)
        items.append(item)
    return items, None
