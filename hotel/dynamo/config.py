"""Where the tables are: names, the models' `Meta`, and the one shared connection.

Everything here reads `settings.DYNAMODB` (endpoint, region, table prefix, stage), so a
model defined after the settings are loaded and every low-level call talk to the same
DynamoDB with the same credentials.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from pynamodb.connection import Connection
from pynamodb.models import Model

# DynamoDB Local rejects access keys that are not purely alphanumeric.
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


def _config() -> dict:
    return settings.DYNAMODB


def table_name(entity: str) -> str:
    cfg = _config()
    return f"{cfg['table_prefix']}-{entity}-{cfg['stage']}"


def _connection_settings() -> dict[str, Any]:
    """What every table's connection is made with (the models' Meta and `connection()`)."""
    cfg = _config()
    attrs: dict[str, Any] = {
        "region": cfg["region"],
        "connect_timeout_seconds": 2,
        "read_timeout_seconds": 5,
        "max_retry_attempts": 2,
        "max_pool_connections": 25,
    }
    if cfg["endpoint"]:
        attrs["host"] = cfg["endpoint"]
        attrs.update(LOCAL_CREDENTIALS)
    return attrs


def meta(entity: str, **extra: Any) -> type:
    """Return a PynamoDB `Meta` class for the table of `entity` (read at class definition)."""
    attrs: dict[str, Any] = {"table_name": table_name(entity), "billing_mode": "PAY_PER_REQUEST"}
    attrs.update(_connection_settings())
    attrs.update(extra)
    return type("Meta", (), attrs)


@functools.cache
def connection() -> Connection:
    """The one low-level connection: transactions, table management, and (through
    `share_connection`) every registered model's reads and writes. Shared: botocore clients
    are thread-safe. Credentials go in as constructor arguments, not
    session.set_credentials(): PynamoDB keeps one botocore session per thread, so credentials
    set on this thread's session would be missing in a threaded server's other threads."""
    return Connection(**_connection_settings())


def share_connection(model: type[Model]) -> None:
    """Route `model`'s table connection through `connection()`.

    PynamoDB gives every model class its own Connection, hence its own botocore session and
    client, created on the first request that touches the table: about 100 ms each (the
    session's loaders parse DynamoDB's service model again), paid once per table per process,
    i.e. several times by the first requests after a cold start. Shared, the client is made
    once, and `hotel.awslambda` makes it during Lambda's init. A model whose Meta points
    elsewhere (a test's unreachable host) keeps its own connection.
    """
    table = model._get_connection()
    shared_settings = _connection_settings()
    keys = (*shared_settings, "host")
    if any(getattr(model.Meta, key, None) != shared_settings.get(key) for key in keys):
        return
    shared = connection()
    if table.connection is shared:
        return
    if table.table_name not in shared._tables:  # PynamoDB refuses a second one
        shared.add_meta_table(table.get_meta_table())
    table.connection = shared


def client():
    """The botocore DynamoDB client behind `connection()` (table management, TTL, streams)."""
    return connection().client
