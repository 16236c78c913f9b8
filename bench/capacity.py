"""A capacity meter: what DynamoDB says a piece of code cost, in capacity units.

    with CapacityMeter() as meter:
        rooms_available(...)
    meter.read_units, meter.by_target, meter.items

    with CapacityMeter(aws_prices=True) as meter:
        booking_create(...)
    meter.write_units, meter.aws_write_units, meter.aws_write_by_target

While the meter is active, every DynamoDB call made through the botocore clients of the
registered PynamoDB models (and `hotel.dynamo.connection()`) asks for
`ReturnConsumedCapacity` (INDEXES by default: per table and per index) and the meter sums
the `ConsumedCapacity` of the answers. It hooks botocore events on those clients only and
changes nothing in the application. Calls from any thread are counted while it is active.

DynamoDB Local counts a TransactWriteItems per table, not per item as AWS bills it; with
`aws_prices=True` the meter also prices every write per item (bench/aws_pricing.py: it
reads the items' before- and after-images and the tables' descriptions through the same
client, calls that no meter counts) into `aws_write_units` and `aws_write_by_target`.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from bench.aws_pricing import WRITE_OPERATIONS, WritePricer, quiet
from bench.item_size import item_bytes, value_bytes

__all__ = ["CapacityMeter", "dynamodb_clients", "item_bytes", "value_bytes"]

READ_OPERATIONS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
_CONTEXT_KEY = "bench_capacity_request"
_PRICE_KEY = "bench_capacity_priced_writes"
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

    With `aws_prices=True`: `aws_write_units` is the write operations' cost priced per item
    as AWS bills it (bench/aws_pricing.py), `aws_write_by_target` its split per "table" and
    "table/index" (the same names as `by_target`), `aws_writes` the items priced (operation,
    kind, table, key, larger image's bytes, units per target), for a trace.
    """

    def __init__(
        self,
        mode: str = "INDEXES",
        clients: Iterable[Any] | None = None,
        *,
        aws_prices: bool = False,
    ):
        if mode not in ("INDEXES", "TOTAL"):
            raise ValueError("mode must be INDEXES or TOTAL")
        self.mode = mode
        self.aws_prices = aws_prices
        self._pricers: dict[int, WritePricer] = {}
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
        self.aws_write_units = 0.0
        self.aws_write_by_target: Counter[str] = Counter()
        self.aws_writes: list[dict] = []  # one entry per item write priced, in order

    # --- botocore handlers ---------------------------------------------------------------

    def _before(self, client: Any, params: dict, model: Any, context: dict, **_: Any) -> None:
        if getattr(quiet, "on", False):
            return  # the pricer reading images
        if "ReturnConsumedCapacity" in model.input_shape.members:
            params["ReturnConsumedCapacity"] = self.mode
        context[_CONTEXT_KEY] = (params.get("TableName"), params.get("IndexName"))
        if self.aws_prices and model.name in WRITE_OPERATIONS:
            pricer = self._pricer(client)
            try:
                writes = pricer.planned(model.name, params)
                pricer.read_images(writes, "before")
            except (ClientError, KeyError):
                return  # no such table, an item without its key: DynamoDB will refuse it
            context.setdefault(_PRICE_KEY, {})[self._uid] = writes

    def _after(self, client: Any, parsed: dict, model: Any, context: dict, **kw: Any) -> None:
        if getattr(quiet, "on", False):
            return
        operation = model.name
        writes = context.get(_PRICE_KEY, {}).pop(self._uid, None)
        if writes is not None:
            self._price(client, operation, writes, parsed, kw.get("http_response"))
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

    def _pricer(self, client: Any) -> WritePricer:
        with self._lock:
            return self._pricers.setdefault(id(client), WritePricer(client))

    def _price(self, client, operation: str, writes: list, parsed: dict, response) -> None:
        pricer = self._pricer(client)
        status = getattr(response, "status_code", 200)
        error = (parsed.get("Error") or {}).get("Code", "")
        if status >= 300 or error:
            if error == "ConditionalCheckFailedException" and len(writes) == 1:
                priced = [(writes[0], pricer.failed_conditional(writes[0]))]
            else:
                return  # a cancelled transaction, a refused request: not priced
        else:
            try:
                if operation == "BatchWriteItem":
                    writes = pricer.processed(writes, parsed)
                pricer.read_images(writes, "after")
            except ClientError:
                return  # the table went meanwhile: the write is done, only its price is lost
            priced = pricer.priced(writes)
        with self._lock:
            for write, units in priced:
                self.aws_write_units += sum(units.values())
                self.aws_write_by_target.update(units)
                self.aws_writes.append(
                    {"operation": operation, "kind": write.kind, "table": write.table,
                     "key": write.key, "bytes": write.size(), "units": dict(units)}
                )  # fmt: skip

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
                "before-parameter-build.dynamodb.*",
                functools.partial(self._before, client),
                unique_id=f"{self._uid}-b",
            )
            events.register(
                "after-call.dynamodb.*",
                functools.partial(self._after, client),
                unique_id=f"{self._uid}-a",
            )
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
        } | (
            {
                "awsWrite": self.aws_write_units,
                "awsWriteByTarget": dict(sorted(self.aws_write_by_target.items())),
            }
            if self.aws_prices
            else {}
        )
