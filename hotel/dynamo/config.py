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
