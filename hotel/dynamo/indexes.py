"""Lean secondary indexes: project little, read whole items.

A GSI with projection ALL stores a copy of the whole item and is rewritten on every write of
the item, whatever changed: for a 1.2 KB booking that is 2 write units per index per write
(4 in a transaction). An index that projects only its keys (and the few attributes its
queries filter on) costs a ~100-byte write, and DynamoDB does not write it at all when an
write leaves its keys and projected attributes alone (a payment recorded, a note added;
a Put that replaces the item counts as such a write: measured on DynamoDB Local).

`LeanIndex.query()` keeps the interface callers have always used: it queries the index
(the filter's terms on projected attributes run there), then reads the whole items from the
table with BatchGetItem, in chunks, and yields them in index order. An item whose index keys differ
from its entry is read again consistently; if they still differ it has changed since the
index was written (the index is eventually consistent) and is skipped: it is found under its
new keys, and a cursor built from it stays true to the index's order. A skipped entry counts
towards `limit`, as an item a filter drops does in DynamoDB.
A filter on attributes the index does not project runs after the BatchGet, on the whole
items (hotel.dynamo.conditions; the terms of its top-level AND that read only projected
attributes still run in the Query): then `limit` counts the items that pass it, as
PynamoDB's does for a filter DynamoDB runs, so an index may project only its keys and still
serve filters on attributes that change (a booking's status) without being written when
they do.
Reads pay for this (an item per batch read instead of a slice of a query page); reads cost a
fifth of writes, and the queries behind it are small partitions (a guest's bookings, a
booking's payments) or lists staff open.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path, _Operand
from pynamodb.indexes import GlobalSecondaryIndex

from .conditions import conjuncts, evaluate

BATCH_GET_LIMIT = 100  # DynamoDB's BatchGetItem limit
READ_AHEAD = 25  # entries read and fetched at a time when a filter runs on the whole items


def condition_attributes(condition: Any) -> set[str]:
    """The top-level attribute names a PynamoDB condition reads."""
    names: set[str] = set()
    if isinstance(condition, Path):
        names.add(condition.path[0])
    elif isinstance(condition, Condition):
        for value in condition.values:
            names |= condition_attributes(value)
    elif isinstance(condition, list | tuple):
        for value in condition:
            names |= condition_attributes(value)
    elif isinstance(condition, _Operand):  # size(path) and the like
        names |= condition_attributes(condition.values)
    return names


class LeanIndex(GlobalSecondaryIndex):
    """A GSI whose projection is KEYS_ONLY or INCLUDE and whose query yields whole items."""

    def _index_keys(self) -> list[str]:
        return [
            a.attr_name for a in self.Meta.attributes.values() if a.is_hash_key or a.is_range_key
        ]

    def _projected(self) -> set[str]:
        model = self._model
        names = set(self._index_keys())
        names |= {
            a.attr_name for a in model.get_attributes().values() if a.is_hash_key or a.is_range_key
        }
        names |= set(self.Meta.projection.non_key_attributes or ())
        return names

    def query(  # type: ignore[override]
        self,
        hash_key: Any,
        range_key_condition: Condition | None = None,
        filter_condition: Condition | None = None,
        consistent_read: bool = False,
        scan_index_forward: bool | None = None,
        limit: int | None = None,
        last_evaluated_key: dict | None = None,
        attributes_to_get: list[str] | None = None,
        page_size: int | None = None,
        rate_limit: float | None = None,
    ) -> Iterator[Any]:
        if attributes_to_get is not None:
            raise ValueError(f"{self.Meta.index_name} reads whole items: no attributes_to_get")
        # On a lean index an attribute that is not projected reads as absent: a filter on it
        # in the Query would quietly drop every item. Such terms run on the whole items.
        projected = self._projected()
        in_query, on_items = [], []
        for term in conjuncts(filter_condition):
            fits = condition_attributes(term) <= projected
            (in_query if fits else on_items).append(term)
        # With a filter on the items, `limit` counts what passes it (below), and entries are
        # read and fetched READ_AHEAD at a time at least: a `limit` of 1 would otherwise cost
        # a Query and a BatchGetItem per entry the filter drops.
        fetch = max(limit or 0, READ_AHEAD) if on_items else limit
        entries = super().query(
            hash_key,
            range_key_condition=range_key_condition,
            filter_condition=_all_of(in_query),
            consistent_read=consistent_read,
            scan_index_forward=scan_index_forward,
            limit=None if on_items else limit,
            last_evaluated_key=last_evaluated_key,
            page_size=page_size or (fetch if on_items else None),
            rate_limit=rate_limit,
        )
        chunk = min(page_size or fetch or BATCH_GET_LIMIT, BATCH_GET_LIMIT)
        items = self._whole_items(entries, chunk)
        if on_items:
            items = _filtered(items, _all_of(on_items), limit)
        return WholeItems(items)

    def _whole_items(self, entries: Any, chunk: int) -> Iterator[Any]:
        batch: list[Any] = []
        for entry in entries:
            batch.append(entry)
            if len(batch) == chunk:
                yield from self._fetch(batch)
                batch = []
        if batch:
            yield from self._fetch(batch)

    def _fetch(self, entries: list[Any]) -> Iterator[Any]:
        model = self._model
        hash_name = model._hash_keyname
        range_name = model._range_keyname

        def key(item: Any) -> Any:
            if range_name is None:
                return getattr(item, _python_name(model, hash_name))
            return (
                getattr(item, _python_name(model, hash_name)),
                getattr(item, _python_name(model, range_name)),
            )

        index_keys = [_python_name(model, name) for name in self._index_keys()]

        def agrees(item: Any, entry: Any) -> bool:
            return item is not None and all(
                getattr(item, n) == getattr(entry, n) for n in index_keys
            )

        found = {key(item): item for item in model.batch_get([key(e) for e in entries])}
        # An eventually consistent read may be older than the index entry (a booking the
        # index already lists as checked in, read as still confirmed): such items are read
        # again, consistently, before they are taken for moved or deleted.
        doubtful = [key(e) for e in entries if not agrees(found.get(key(e)), e)]
        if doubtful:
            found.update(
                (key(item), item) for item in model.batch_get(doubtful, consistent_read=True)
            )
        for entry in entries:
            item = found.get(key(entry))
            if agrees(item, entry):
                yield item
            # else: deleted, or moved within the index since: it is read under its new keys


def _all_of(terms: list[Condition]) -> Condition | None:
    condition = None
    for term in terms:
        condition = term if condition is None else condition & term
    return condition


def _filtered(items: Iterator[Any], condition: Any, limit: int | None) -> Iterator[Any]:
    """The items that satisfy `condition`, at most `limit` of them."""
    if limit is not None and limit <= 0:
        return
    taken = 0
    for item in items:
        # null_check off: an item written before an attribute became required is filtered,
        # not refused (DynamoDB's own filter would simply find the attribute absent).
        if evaluate(condition, item.serialize(null_check=False)):
            yield item
            taken += 1
            if taken == limit:
                return


class WholeItems:
    """An iterator like PynamoDB's ResultIterator (`next()` as well as `next(it)`)."""

    def __init__(self, items: Iterator[Any]):
        self._items = items

    def __iter__(self) -> WholeItems:
        return self

    def __next__(self) -> Any:
        return next(self._items)

    next = __next__


def _python_name(model: Any, attr_name: str) -> str:
    for name, attr in model.get_attributes().items():
        if attr.attr_name == attr_name:
            return name
    raise KeyError(attr_name)
