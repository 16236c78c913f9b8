"""Write units priced per item, the way AWS bills them (`CapacityMeter(aws_prices=True)`).

DynamoDB Local 3.x reports the capacity of a TransactWriteItems per TABLE per transaction
(three 600-byte Puts into one table: 2.0 units in all), but AWS bills per ITEM. This module
prices each item a write touches from its before- and after-images:

- PutItem / UpdateItem / DeleteItem and BatchWriteItem's puts and deletes: 1 unit per KB
  (rounded up, per item, at least 1) of the larger of the item's before- and after-images
  (a delete: the deleted item; nothing there: 1 unit).
- TransactWriteItems: 2 units per KB of each item (the same size rule). A ConditionCheck
  item is priced as 2 units per KB of the checked item (our assumption: AWS says a
  ConditionCheck consumes write capacity like a write of that item in a transaction).
- Every global or local secondary index entry the write adds, changes or removes costs like
  a write of the entry (its projected attributes, keys included), per DynamoDB's
  "Provisioned throughput considerations for GSIs": after-image has the index's keys and
  before-image did not: one put; before had them, after not: one delete; the keys changed:
  delete + put (two writes); same keys and a projected attribute changed: one update;
  nothing projected changed: nothing. In a transaction the index writes are doubled too
  (an assumption: AWS documents the doubling for the items; we apply it to their index
  writes alike).
- A write that fails costs nothing here, except a plain (non-transactional) write whose
  condition failed: AWS charges it 1 unit per KB of the existing item, no index writes. A
  cancelled transaction is not priced although AWS charges for it: the bench's journeys
  do not cancel.

Sizes are `item_bytes` (DynamoDB's item-size rules). Tables and indexes (key schemas,
projections KEYS_ONLY / INCLUDE / ALL) come from DescribeTable, cached per table.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bench.item_size import item_bytes

WRITE_OPERATIONS = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
)
KB = 1024

# Set while the pricer reads images: every CapacityMeter ignores those calls.
quiet = threading.local()


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[str, ...]
    projection: str  # KEYS_ONLY, INCLUDE or ALL
    include: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Table:
    name: str
    keys: tuple[str, ...]
    indexes: tuple[Index, ...]

    @classmethod
    def from_description(cls, description: dict) -> Table:
        def keys(schema: list[dict]) -> tuple[str, ...]:
            return tuple(k["AttributeName"] for k in schema)

        indexes = []
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            for ix in description.get(kind, []):
                projection = ix.get("Projection", {})
                indexes.append(
                    Index(
                        ix["IndexName"],
                        keys(ix["KeySchema"]),
                        projection.get("ProjectionType", "ALL"),
                        frozenset(projection.get("NonKeyAttributes", ())),
                    )
                )
        return cls(description["TableName"], keys(description["KeySchema"]), tuple(indexes))


@dataclass
class ItemWrite:
    """One item a write touches: `kind` is Put, Update, Delete or ConditionCheck."""

    table: str
    key: dict
    kind: str
    transactional: bool
    before: dict | None = None
    after: dict | None = None

    def size(self) -> int:
        """The larger of the item's images, in bytes (0: no item before or after)."""
        return max((item_bytes(i) for i in (self.before, self.after) if i is not None), default=0)


# --- pricing rules ------------------------------------------------------------------------------


def write_units(size: int) -> int:
    """Write units of one item (or index entry) of `size` bytes: per KB, rounded up, at least 1."""
    return max(1, math.ceil(size / KB))


def index_entry(item: dict | None, table: Table, index: Index) -> dict | None:
    """The entry `item` has in `index` (its projected attributes, keys included), or None
    when the item lacks one of the index's key attributes (a sparse index)."""
    if item is None or any(k not in item for k in index.keys):
        return None
    if index.projection == "ALL":
        return dict(item)
    names = set(table.keys) | set(index.keys)
    if index.projection == "INCLUDE":
        names |= index.include
    return {k: v for k, v in item.items() if k in names}


def index_write_sizes(before: dict | None, after: dict | None, table: Table, index: Index):
    """The sizes of the index writes that turning `before` into `after` costs (see module doc)."""
    old, new = index_entry(before, table, index), index_entry(after, table, index)
    if old is None and new is None:
        return []
    if old is None:
        return [item_bytes(new)]
    if new is None:
        return [item_bytes(old)]
    if any(old[k] != new[k] for k in index.keys):
        return [item_bytes(old), item_bytes(new)]  # delete + put
    if old != new:
        return [max(item_bytes(old), item_bytes(new))]
    return []


def price(write: ItemWrite, table: Table) -> Counter[str]:
    """Write units of one item write, per "table" and "table/index"."""
    factor = 2 if write.transactional else 1
    units: Counter[str] = Counter()
    units[table.name] = factor * write_units(write.size())
    if write.kind == "ConditionCheck":
        return units
    for index in table.indexes:
        for size in index_write_sizes(write.before, write.after, table, index):
            units[f"{table.name}/{index.name}"] += factor * write_units(size)
    return units


# --- the writes of a request, and their images --------------------------------------------------


def _hashable(key: dict) -> tuple:
    def value(v: dict) -> Any:
        ((kind, raw),) = v.items()
        return (kind, Decimal(raw).normalize() if kind == "N" else raw)

    return tuple(sorted((k, value(v)) for k, v in key.items()))


class WritePricer:
    """Reads the tables' descriptions and the items' images through `client`, with every
    CapacityMeter looking away (`quiet`)."""

    def __init__(self, client: Any):
        self.client = client
        self._tables: dict[str, Table] = {}

    def table(self, name: str) -> Table:
        if name not in self._tables:
            with _quietly():
                description = self.client.describe_table(TableName=name)["Table"]
            self._tables[name] = Table.from_description(description)
        return self._tables[name]

    def planned(self, operation: str, params: dict) -> list[ItemWrite]:
        """The item writes a request asks for (images not read yet)."""
        writes = []
        if operation == "TransactWriteItems":
            for entry in params.get("TransactItems", []):
                ((kind, body),) = entry.items()
                writes.append(self._write(body["TableName"], body, kind, transactional=True))
        elif operation == "BatchWriteItem":
            for name, requests in params.get("RequestItems", {}).items():
                for request in requests:
                    ((kind, body),) = request.items()
                    writes.append(self._write(name, body, kind.removesuffix("Request"), False))
        elif operation in WRITE_OPERATIONS:
            kind = operation.removesuffix("Item")
            writes.append(self._write(params["TableName"], params, kind, transactional=False))
        return writes

    def _write(self, name: str, body: dict, kind: str, transactional: bool) -> ItemWrite:
        return ItemWrite(name, self._key(name, body), kind, transactional)

    def _key(self, name: str, body: dict) -> dict:
        """The key of the item a request entry writes (a Put's is in its item)."""
        return body.get("Key") or {k: body["Item"][k] for k in self.table(name).keys}

    def read_images(self, writes: list[ItemWrite], attr: str) -> None:
        """Set `attr` ("before" or "after") of each write to its item now (None: no item),
        with strongly consistent BatchGetItem calls."""
        pending: dict[str, dict[tuple, ItemWrite]] = {}
        for write in writes:
            pending.setdefault(write.table, {})[_hashable(write.key)] = write
            setattr(write, attr, None)
        keys = [(t, k, w.key) for t, by_key in pending.items() for k, w in by_key.items()]
        for start in range(0, len(keys), 100):
            request: dict[str, dict] = {}
            for name, _, key in keys[start : start + 100]:
                request.setdefault(name, {"Keys": [], "ConsistentRead": True})["Keys"].append(key)
            while request:
                with _quietly():
                    answer = self.client.batch_get_item(RequestItems=request)
                for name, items in answer.get("Responses", {}).items():
                    table = self.table(name)
                    for item in items:
                        key = _hashable({k: item[k] for k in table.keys})
                        if key in pending.get(name, {}):
                            setattr(pending[name][key], attr, item)
                request = answer.get("UnprocessedKeys") or {}

    def priced(self, writes: list[ItemWrite]) -> list[tuple[ItemWrite, Counter[str]]]:
        return [(write, price(write, self.table(write.table))) for write in writes]

    def failed_conditional(self, write: ItemWrite) -> Counter[str]:
        """A plain write whose condition failed: the existing item's size, no index writes."""
        size = item_bytes(write.before) if write.before else 0
        return Counter({write.table: write_units(size)})

    def processed(self, writes: list[ItemWrite], parsed: dict) -> list[ItemWrite]:
        """BatchWriteItem: the writes DynamoDB processed (not left in UnprocessedItems)."""
        left = set()
        for name, requests in (parsed.get("UnprocessedItems") or {}).items():
            for request in requests:
                for body in request.values():
                    left.add((name, _hashable(self._key(name, body))))
        return [w for w in writes if (w.table, _hashable(w.key)) not in left]


class _quietly:
    def __enter__(self) -> None:
        self.was = getattr(quiet, "on", False)
        quiet.on = True

    def __exit__(self, *exc: object) -> None:
        quiet.on = self.was
