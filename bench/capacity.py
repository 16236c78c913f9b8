"""A capacity meter: what DynamoDB says a piece of code cost, in capacity units.

    with CapacityMeter() as meter:
        rooms_available(...)
    meter.read_units, meter.by_target, meter.items

While the meter is active, every DynamoDB call made through the botocore clients of the
registered PynamoDB models (and `hotel.dynamo.connection()`) asks for
`ReturnConsumedCapacity` (INDEXES by default: per table and per index) and the meter sums
the `ConsumedCapacity` of the answers. It hooks botocore events on those clients only and
changes nothing in the application. Calls from any thread are counted while it is active.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

READ_OPERATIONS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
_CONTEXT_KEY = "bench_capacity_request"
_ids = itertools.count()


def dynamodb_clients() -> list[Any]:
    """The botocore clients behind every registered model and `hotel.dynamo.connection()`."""
    from hotel import dynamo

    clients: dict[int, Any] = {}
    for model in dynamo.registered_models():
        client = model._get_connection().connection.client
        clients[id(client)] = client
    client = dynamo.connection().client
    clients[id(client)] = client
    return list(clients.values())


class CapacityMeter:
    """Sum the consumed capacity of the DynamoDB calls made while it is active.

    `by_target` maps "table" and "table/index" to capacity units; `read_units` and
    `write_units` split the total by kind of operation; `calls` counts operations;
    `items` counts the items Query/Scan returned per target (their `Count`);
    `target_calls` counts operations per "Operation table[/index]".
    """

    def __init__(self, mode: str = "INDEXES", clients: Iterable[Any] | None = None):
        if mode not in ("INDEXES", "TOTAL"):
            raise ValueError("mode must be INDEXES or TOTAL")
        self.mode = mode
        self._clients = list(clients) if clients is not None else None
        self._attached: list[Any] = []
        self._uid = f"bench-capacity-{next(_ids)}"
        self._lock = threading.Lock()
        self.total = 0.0
        self.read_units = 0.0
        self.write_units = 0.0
        self.by_target: Counter[str] = Counter()
        self.write_by_target: Counter[str] = Counter()  # the write operations' share
        self.calls: Counter[str] = Counter()
        self.items: Counter[str] = Counter()
        self.target_calls: Counter[str] = Counter()

    # --- botocore handlers ---------------------------------------------------------------

    def _before(self, params: dict, model: Any, context: dict, **_: Any) -> None:
        if "ReturnConsumedCapacity" in model.input_shape.members:
            params["ReturnConsumedCapacity"] = self.mode
        context[_CONTEXT_KEY] = (params.get("TableName"), params.get("IndexName"))

    def _after(self, parsed: dict, model: Any, context: dict, **_: Any) -> None:
        operation = model.name
        consumed = parsed.get("ConsumedCapacity")
        entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
        table, index = context.get(_CONTEXT_KEY, (None, None))
        with self._lock:
            self.calls[operation] += 1
            if table:
                self.target_calls[
                    f"{operation} {table}/{index}" if index else f"{operation} {table}"
                ] += 1
            if "Count" in parsed and table:
                self.items[f"{table}/{index}" if index else table] += parsed["Count"]
            for entry in entries:
                self._add(operation, entry)

    def _add(self, operation: str, entry: dict) -> None:
        units = float(entry.get("CapacityUnits", 0.0))
        self.total += units
        if "ReadCapacityUnits" in entry or "WriteCapacityUnits" in entry:
            self.read_units += float(entry.get("ReadCapacityUnits", 0.0))
            self.write_units += float(entry.get("WriteCapacityUnits", 0.0))
        elif operation in READ_OPERATIONS:
            self.read_units += units
        else:
            self.write_units += units
        table = entry.get("TableName", "?")
        parts = [(table, entry.get("Table", {}))]
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            parts += [(f"{table}/{name}", c) for name, c in entry.get(kind, {}).items()]
        writes = operation not in READ_OPERATIONS
        if len(parts) == 1 and not parts[0][1]:
            self.by_target[table] += units  # TOTAL mode: no breakdown in the answer.
            if writes:
                self.write_by_target[table] += units
            return
        for target, capacity in parts:
            if capacity:
                self.by_target[target] += float(capacity.get("CapacityUnits", 0.0))
                if writes:
                    self.write_by_target[target] += float(capacity.get("CapacityUnits", 0.0))

    # --- context manager -----------------------------------------------------------------

    def __enter__(self) -> CapacityMeter:
        clients = self._clients if self._clients is not None else dynamodb_clients()
        for client in clients:
            events = client.meta.events
            events.register(
                "before-parameter-build.dynamodb.*", self._before, unique_id=f"{self._uid}-b"
            )
            events.register("after-call.dynamodb.*", self._after, unique_id=f"{self._uid}-a")
            self._attached.append(client)
        return self

    def __exit__(self, *exc: object) -> None:
        for client in self._attached:
            events = client.meta.events
            events.unregister("before-parameter-build.dynamodb.*", unique_id=f"{self._uid}-b")
            events.unregister("after-call.dynamodb.*", unique_id=f"{self._uid}-a")
        self._attached.clear()

    def units_for(self, table: str, index: str | None = None) -> float:
        return self.by_target[f"{table}/{index}" if index else table]

    def items_for(self, table: str, index: str | None = None) -> int:
        return self.items[f"{table}/{index}" if index else table]

    def calls_for(self, operation: str, table: str, index: str | None = None) -> int:
        return self.target_calls[
            f"{operation} {table}/{index}" if index else f"{operation} {table}"
        ]

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "read": self.read_units,
            "write": self.write_units,
            "byTarget": dict(sorted(self.by_target.items())),
            "calls": dict(sorted(self.calls.items())),
            "items": dict(sorted(self.items.items())),
        }


# --- item sizes -------------------------------------------------------------------------------


def item_bytes(attrs: dict) -> int:
    """Approximate stored size of an item (DynamoDB's item-size rules, keys included): a
    read pays per 4 KB of it."""
    return sum(len(name.encode()) + value_bytes(value) for name, value in attrs.items())


def value_bytes(value: dict) -> int:
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode())
    if kind == "N":
        return len(raw.lstrip("-").replace(".", "")) // 2 + 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + value_bytes(v) for k, v in raw.items())
    if kind == "L":
        return 3 + sum(1 + value_bytes(v) for v in raw)
    if kind in ("NULL", "BOOL"):
        return 1
    if kind == "B":
        return len(raw)
    if kind in ("SS", "BS"):
        return sum(len(v.encode() if isinstance(v, str) else v) for v in raw)
    return len(str(raw))
