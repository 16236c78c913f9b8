"""The one place for DynamoDB: endpoint, region, table names, the model registry, table sync.

Every PynamoDB model takes its `Meta` from `meta(entity)` and registers itself with
`@register`; `sync_tables()` creates or updates all of them (management command
`sync_tables`). Table names are `{prefix}-{entity}-{stage}`, e.g. `hotel-rooms-local`.
Nothing else in the project builds a boto3 client or a PynamoDB connection.
"""

from __future__ import annotations

import functools
import random
import time
import zlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core import signing
from pynamodb.attributes import NumberAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

ModelT = TypeVar("ModelT", bound=type[Model])

_registry: list[type[Model]] = []

# DynamoDB Local rejects access keys that are not purely alphanumeric.
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


def _config() -> dict:
    return settings.DYNAMODB


def table_name(entity: str) -> str:
    cfg = _config()
    return f"{cfg['table_prefix']}-{entity}-{cfg['stage']}"


def meta(entity: str, **extra: Any) -> type:
    """Return a PynamoDB `Meta` class for the table of `entity` (read at class definition)."""
    cfg = _config()
    attrs: dict[str, Any] = {
        "table_name": table_name(entity),
        "region": cfg["region"],
        "billing_mode": "PAY_PER_REQUEST",
        "connect_timeout_seconds": 2,
        "read_timeout_seconds": 5,
        "max_retry_attempts": 2,
        "max_pool_connections": 25,
    }
    if cfg["endpoint"]:
        attrs["host"] = cfg["endpoint"]
        attrs.update(LOCAL_CREDENTIALS)
    attrs.update(extra)
    return type("Meta", (), attrs)


def register(model: ModelT) -> ModelT:
    """Class decorator: make `sync_tables` manage this model's table."""
    if model not in _registry:
        _registry.append(model)
    return model


def registered_models() -> list[type[Model]]:
    return list(_registry)


@functools.cache
def connection() -> Connection:
    """The low-level connection for transactions and table management (same endpoint and
    credentials as the models). Shared: botocore clients are thread-safe."""
    cfg = _config()
    kwargs: dict[str, Any] = {"region": cfg["region"], "max_retry_attempts": 2}
    if cfg["endpoint"]:
        # As constructor arguments, not session.set_credentials(): PynamoDB keeps one botocore
        # session per thread, so credentials set on this thread's session would be missing in
        # a threaded server's other threads (NoCredentialsError).
        kwargs.update(host=cfg["endpoint"], **LOCAL_CREDENTIALS)
    return Connection(**kwargs)


def client():
    """The botocore DynamoDB client behind `connection()` (table management, TTL, streams)."""
    return connection().client


class IntegerAttribute(NumberAttribute):
    """A number that is always an `int` (money in minor units, counts); never a float."""

    def deserialize(self, value: str) -> int:
        return int(value)

    def serialize(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{self.attr_name} must be an int, not {type(value).__name__}")
        return str(value)


# --- transactions and transient failures ----------------------------------------------------

_THROTTLED = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
}


def _is_transaction_conflict(exc: Exception) -> bool:
    if getattr(exc, "cause_response_code", None) == "TransactionInProgressException":
        return True
    reasons = [r.code for r in (getattr(exc, "cancellation_reasons", None) or []) if r is not None]
    return "TransactionConflict" in reasons and "ConditionalCheckFailed" not in reasons


def is_transient(exc: Exception) -> bool:
    """True for failures worth a retry: DynamoDB unreachable, throttled, or a transaction
    that collided with another one (as opposed to a condition that really failed)."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

    cause = getattr(exc, "cause", None)
    return (
        isinstance(cause, BotoConnectionError | ConnectTimeoutError | ReadTimeoutError)
        or getattr(exc, "cause_response_code", None) in _THROTTLED
        or _is_transaction_conflict(exc)
    )


def transact(build: Callable[[TransactWrite], None], *, attempts: int = 6) -> None:
    """Run `build(tx)` and commit it as one TransactWriteItems, retrying on conflicts.

    Concurrent transactions on the same items are cancelled with TransactionConflict
    rather than queued; a short jittered retry lets one of them win and the others
    then fail on their conditions. `build` must be safe to call more than once.
    Raises TransactWriteError (conditions failed, or conflicts outlasted the retries).
    """
    for attempt in range(attempts):
        try:
            with TransactWrite(connection=connection()) as tx:
                build(tx)
            return
        except TransactWriteError as exc:
            if attempt == attempts - 1 or not _is_transaction_conflict(exc):
                raise
            time.sleep(random.uniform(0.005, 0.02 * 2**attempt))


def conditional_check_failed(exc: TransactWriteError) -> bool:
    return any(
        r is not None and r.code == "ConditionalCheckFailed"
        for r in (exc.cancellation_reasons or [])
    )


# --- cursors -----------------------------------------------------------------------------------


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


# --- table sync --------------------------------------------------------------------------------


def _model_spec(model: type[Model]) -> dict:
    """The CreateTable arguments PynamoDB would send for `model`."""
    schema = model._get_schema()
    return schema


def sync_tables(*, log: Callable[[str], None] = print) -> list[str]:
    """Create missing tables and add missing GSIs, TTL and streams. Return what changed."""
    changes: list[str] = []
    ddb = client()
    existing = set()
    paginator = ddb.get_paginator("list_tables")
    for page in paginator.paginate():
        existing.update(page["TableNames"])
    for model in _registry:
        name = model.Meta.table_name
        stream = getattr(model.Meta, "stream_view_type", None)
        if name not in existing:
            model.create_table(wait=True)
            changes.append(f"created table {name}")
            log(changes[-1])
            continue
        description = ddb.describe_table(TableName=name)["Table"]
        have = {gsi["IndexName"] for gsi in description.get("GlobalSecondaryIndexes", [])}
        schema = _model_spec(model)
        definitions = {a["AttributeName"]: a for a in schema["attribute_definitions"]}
        for gsi in schema.get("global_secondary_indexes", []):
            if gsi["index_name"] in have:
                continue
            key_names = [k["AttributeName"] for k in gsi["key_schema"]]
            ddb.update_table(
                TableName=name,
                AttributeDefinitions=[
                    {"AttributeName": n, "AttributeType": definitions[n]["AttributeType"]}
                    for n in key_names
                ],
                GlobalSecondaryIndexUpdates=[
                    {
                        "Create": {
                            "IndexName": gsi["index_name"],
                            # DynamoDB wants HASH before RANGE; PynamoDB may list them either way.
                            "KeySchema": sorted(
                                gsi["key_schema"], key=lambda k: k["KeyType"] != "HASH"
                            ),
                            "Projection": gsi["projection"],
                        }
                    }
                ],
            )
            _wait_active(ddb, name)
            changes.append(f"added index {gsi['index_name']} to {name}")
            log(changes[-1])
        ttl_attr = _ttl_attribute(model)
        if ttl_attr:
            ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
            if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
                ddb.update_time_to_live(
                    TableName=name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl_attr},
                )
                changes.append(f"enabled TTL on {name}.{ttl_attr}")
                log(changes[-1])
        if stream and not description.get("StreamSpecification", {}).get("StreamEnabled"):
            ddb.update_table(
                TableName=name,
                StreamSpecification={"StreamEnabled": True, "StreamViewType": stream},
            )
            _wait_active(ddb, name)
            changes.append(f"enabled stream on {name}")
            log(changes[-1])
    return changes


def _ttl_attribute(model: type[Model]) -> str | None:
    from pynamodb.attributes import TTLAttribute

    for attr in model.get_attributes().values():
        if isinstance(attr, TTLAttribute):
            return attr.attr_name
    return None


def _wait_active(ddb, name: str) -> None:
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    for _ in range(120):
        table = ddb.describe_table(TableName=name)["Table"]
        statuses = [table["TableStatus"]] + [
            g["IndexStatus"] for g in table.get("GlobalSecondaryIndexes", [])
        ]
        if all(s == "ACTIVE" for s in statuses):
            return
        time.sleep(0.5)


def empty_tables(models: Iterable[type[Model]] | None = None) -> None:
    """Delete every item of the given (default: all) tables. For tests and `reset` only."""
    for model in models or _registry:
        with model.batch_write() as batch:
            for item in model.scan(attributes_to_get=_key_names(model)):
                batch.delete(item)


def _key_names(model: type[Model]) -> list[str]:
    return [
        attr.attr_name
        for attr in model.get_attributes().values()
        if attr.is_hash_key or attr.is_range_key
    ]
