"""The registered models and their tables: create what is missing, empty them for tests.

Every model registers itself with `@register` when its module is imported; `sync_tables`
(management command `sync_tables`, and each deploy) then creates missing tables and adds
missing GSIs, TTL and streams, never dropping anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from .config import client, share_connection

ModelT = TypeVar("ModelT", bound=type[Model])
_registry: list[type[Model]] = []


def register(model: ModelT) -> ModelT:
    """Class decorator: make `sync_tables` manage this model's table, and give it the shared
    connection (`share_connection`)."""
    if model not in _registry:
        _registry.append(model)
        share_connection(model)
    return model


def registered_models() -> list[type[Model]]:
    return list(_registry)


def share_connections() -> None:
    """Route every registered model through `connection()` again: after a test pointed a
    table (or `connection()` itself) elsewhere and back."""
    for model in _registry:
        share_connection(model)


def _model_spec(model: type[Model]) -> dict:
    """The CreateTable arguments PynamoDB would send for `model`."""
    schema = model._get_schema()
    return schema


def replaced_indexes(model: type[Model]) -> dict[str, str]:
    """{index: the index it replaced} (`Meta.replaced_indexes`): an index whose projection or
    keys changed gets a new name, because DynamoDB cannot change an index's projection or
    keys."""
    return dict(getattr(model.Meta, "replaced_indexes", {}))


def replaced_index_projection(model: type[Model], old: str) -> dict:
    """How the replaced index `old` projected (`Meta.replaced_index_projections`, a list of
    the non-key attributes of an INCLUDE projection); ALL when not named there."""
    attributes = getattr(model.Meta, "replaced_index_projections", {}).get(old)
    if attributes is None:
        return {"ProjectionType": "ALL"}
    return {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(attributes)}


def replaced_index_keys(model: type[Model]) -> dict[str, tuple[tuple[str, str], ...]]:
    """{replaced index: ((hash attribute, type), (range attribute, type))} for a replaced
    index keyed on other attributes than its replacement (`Meta.replaced_index_keys`: a key
    attribute that became another, e.g. a sparse one). One not named here had the same keys
    (only its projection changed)."""
    return dict(getattr(model.Meta, "replaced_index_keys", {}))


def sync_tables(*, log: Callable[[str], None] = print, drop_replaced: bool = False) -> list[str]:
    """Create missing tables and add missing GSIs, TTL and streams. Return what changed.

    An index a model's `Meta.replaced_indexes` names as replaced is deleted only with
    `drop_replaced` (once the new index is built and the code that read the old one is gone);
    until then it is reported. DynamoDB builds or deletes one index at a time per table, and
    so does this: an index added is waited for (the code will query it), an index dropped is
    left to finish in the background unless another change on its table follows."""
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
        have = {
            g["IndexName"]: g["IndexStatus"] for g in description.get("GlobalSecondaryIndexes", [])
        }
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
        for new, old in replaced_indexes(model).items():
            if have.get(old) in (None, "DELETING"):
                continue
            if not drop_replaced:
                log(
                    f"index {old} on {name} is replaced by {new}: drop it with "
                    "`sync_tables --drop-replaced` once this version is live"
                )
                continue
            # One index change at a time per table: wait for the previous one (a deletion
            # included) to finish; this one finishes in the background.
            _wait_active(ddb, name, deleting_too=True)
            if not _index_ready(ddb, name, new):
                log(f"index {old} on {name} kept: its replacement {new} is not built yet")
                continue
            ddb.update_table(
                TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": old}}]
            )
            changes.append(f"dropped index {old} from {name} (replaced by {new})")
            log(changes[-1])
        ttl_attr = ttl_attribute(model)
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


def ttl_attribute(model: type[Model]) -> str | None:
    """The name of the model's TTLAttribute (DynamoDB deletes expired items), if any."""
    for attr in model.get_attributes().values():
        if isinstance(attr, TTLAttribute):
            return attr.attr_name
    return None


def _index_ready(ddb, name: str, index: str) -> bool:
    """Is `index` on table `name` ACTIVE and done backfilling (queries can use it)?"""
    table = ddb.describe_table(TableName=name)["Table"]
    return any(
        g["IndexName"] == index and g["IndexStatus"] == "ACTIVE" and not g.get("Backfilling")
        for g in table.get("GlobalSecondaryIndexes", [])
    )


def _wait_active(ddb, name: str, *, deleting_too: bool = False) -> None:
    """Until the table and its indexes are ACTIVE (`deleting_too`: and no index is still
    being deleted), for at most a minute."""
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    for _ in range(120):
        table = ddb.describe_table(TableName=name)["Table"]
        indexes = [
            g
            for g in table.get("GlobalSecondaryIndexes", [])
            if deleting_too or g["IndexStatus"] != "DELETING"
        ]
        statuses = [table["TableStatus"]] + [g["IndexStatus"] for g in indexes]
        if all(s == "ACTIVE" for s in statuses) and not any(g.get("Backfilling") for g in indexes):
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
