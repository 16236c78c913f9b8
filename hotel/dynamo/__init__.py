"""The one place for DynamoDB: endpoint, region, table names, the model registry, table sync.

Every PynamoDB model takes its `Meta` from `meta(entity)` and registers itself with
`@register`; `sync_tables()` creates or updates all of them (management command
`sync_tables`). Table names are `{prefix}-{entity}-{stage}`, e.g. `hotel-rooms-local`.
Nothing else in the project builds a boto3 client or a PynamoDB connection.

- config: settings, table names, model `Meta`, the shared connection and client
- attributes: attribute types the models share (IntegerAttribute, PackedJSONAttribute)
- transactions: `transact` with retries on conflicts, transient failures, failed conditions
- cursors: signed pagination tokens
- indexes: LeanIndex, a GSI that projects little and reads whole items
- conditions: filter conditions evaluated on whole items (a lean index's unprojected filters)
- tables: the model registry, table sync and emptying
"""

from .attributes import IntegerAttribute, PackedJSONAttribute
from .config import LOCAL_CREDENTIALS, client, connection, meta, table_name
from .cursors import (
    CURSOR_SALT,
    InvalidCursor,
    decode_cursor,
    encode_cursor,
    item_key,
    paginate,
)
from .indexes import LeanIndex
from .tables import (
    empty_tables,
    register,
    registered_models,
    replaced_index_keys,
    replaced_index_projection,
    replaced_indexes,
    share_connections,
    sync_tables,
    ttl_attribute,
)
from .transactions import (
    commit,
    condition_failed_as,
    conditional_check_failed,
    is_transient,
    new_transaction,
    transact,
    transaction_room,
)

__all__ = [
    "CURSOR_SALT",
    "IntegerAttribute",
    "PackedJSONAttribute",
    "LeanIndex",
    "InvalidCursor",
    "LOCAL_CREDENTIALS",
    "client",
    "commit",
    "condition_failed_as",
    "conditional_check_failed",
    "connection",
    "decode_cursor",
    "empty_tables",
    "encode_cursor",
    "is_transient",
    "item_key",
    "meta",
    "new_transaction",
    "paginate",
    "register",
    "replaced_index_keys",
    "replaced_index_projection",
    "replaced_indexes",
    "registered_models",
    "share_connections",
    "sync_tables",
    "table_name",
    "transaction_room",
    "transact",
    "ttl_attribute",
]
