"""Export every table to JSON lines and import them under another table prefix: the portable
restore drill (`manage.py export_tables` / `import_tables`, docs/operations.md "Restore
drill"). On AWS the real restore is point-in-time recovery; this pair runs against DynamoDB
Local and AWS alike, and is what the drill uses to prove a restored prefix serves the hotel.

An export is a directory: one `<entity>.jsonl` per registered table, each line
`{"Item": {...}}` in DynamoDB's typed JSON (the format of AWS's own S3 exports: binary values
base64, sets as lists, numbers as strings), written from paginated, strongly consistent Scans;
and `manifest.json`, written last, naming each table (without its prefix), its item count
and checksum, and when the export was taken. Tables are scanned one after the other: an
export taken while the hotel is writing is not one moment across tables (PITR is).

Import creates the tables under the new prefix with the app's own `sync_tables` (keys, GSIs,
TTL and streams from the models), then writes the items with BatchWriteItem, retrying
unprocessed items with backoff.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from botocore.exceptions import ClientError
from django.conf import settings
from pynamodb.models import Model

from .config import client
from .tables import registered_models, share_connections, sync_tables, ttl_attribute

MANIFEST = "manifest.json"
FORMAT = "hotel-dynamodb-export/1"
# Table names are `{prefix}-{entity}-{stage}`, at most 255 of [A-Za-z0-9_.-].
PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
BATCH = 25  # BatchWriteItem's limit
RETRIED_ERRORS = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
}

Log = Callable[[str], None]


class BackupError(Exception):
    """An export or import that cannot go on (the message says why)."""


def entity_of(model: type[Model]) -> str:
    """`bookings` for the table `hotel-bookings-prod`."""
    cfg = settings.DYNAMODB
    return model.Meta.table_name[len(cfg["table_prefix"]) + 1 : -(len(cfg["stage"]) + 1)]


def table_name_under(prefix: str, entity: str) -> str:
    return f"{prefix}-{entity}-{settings.DYNAMODB['stage']}"


def check_prefix(prefix: str) -> str:
    if not PREFIX_RE.match(prefix or ""):
        raise BackupError(f"Invalid table prefix {prefix!r}: letters, digits, '_', '.', '-'.")
    return prefix


# --- DynamoDB JSON <-> botocore values -----------------------------------------------------------


def to_json(value: dict) -> dict:
    """A botocore attribute value (`{"B": b"..."}`) as JSON (`{"B": "base64"}`)."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(v).decode() for v in inner]}
    if kind == "M":
        return {"M": {k: to_json(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [to_json(v) for v in inner]}
    return {kind: inner}


def from_json(value: dict) -> dict:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) for v in inner]}
    if kind == "M":
        return {"M": {k: from_json(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [from_json(v) for v in inner]}
    return {kind: inner}


def item_to_json(item: dict) -> dict:
    return {name: to_json(value) for name, value in item.items()}


def item_from_json(item: dict) -> dict:
    return {name: from_json(value) for name, value in item.items()}


# --- reading -------------------------------------------------------------------------------------


def scan_items(table: str) -> Iterator[dict]:
    """Every item of `table` (botocore's typed values), by strongly consistent Scan pages."""
    for page in client().get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        yield from page.get("Items", [])


def count_items(table: str) -> int:
    paginator = client().get_paginator("scan")
    pages = paginator.paginate(TableName=table, ConsistentRead=True, Select="COUNT")
    return sum(page["Count"] for page in pages)


def _holds_items(table: str) -> bool:
    found = client().scan(TableName=table, ConsistentRead=True, Select="COUNT", Limit=1)
    return found["Count"] > 0 or "LastEvaluatedKey" in found


def existing_tables() -> set[str]:
    names: set[str] = set()
    for page in client().get_paginator("list_tables").paginate():
        names.update(page["TableNames"])
    return names


# --- export --------------------------------------------------------------------------------------


def export_tables(out: Path, *, log: Log = print) -> dict:
    """Write every registered table of the current prefix to `out` (created; it must not hold
    an export already). Returns the manifest."""
    out = Path(out)
    if (out / MANIFEST).exists():
        raise BackupError(f"{out} already holds an export: choose another directory.")
    out.mkdir(parents=True, exist_ok=True)
    cfg = settings.DYNAMODB
    started, clock = datetime.now(UTC), time.monotonic()
    present = existing_tables()
    tables = []
    for model in registered_models():
        entity, name = entity_of(model), model.Meta.table_name
        if name not in present:
            log(f"{entity}: no table {name}, skipped (run sync_tables)")
            continue
        began, digest, count = time.monotonic(), hashlib.sha256(), 0
        part = out / f"{entity}.jsonl.part"
        with part.open("w", encoding="utf-8") as fh:
            for item in scan_items(name):
                line = json.dumps({"Item": item_to_json(item)}, separators=(",", ":")) + "\n"
                fh.write(line)
                digest.update(line.encode())
                count += 1
        part.rename(out / f"{entity}.jsonl")
        seconds = time.monotonic() - began
        tables.append(
            {
                "entity": entity,
                "table": f"{entity}-{cfg['stage']}",
                "file": f"{entity}.jsonl",
                "items": count,
                "sha256": digest.hexdigest(),
                "seconds": round(seconds, 3),
            }
        )
        log(f"{entity}: {count} items ({seconds:.2f}s)")
    manifest = {
        "format": FORMAT,
        "exportedAt": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "finishedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round(time.monotonic() - clock, 3),
        "source": {"prefix": cfg["table_prefix"], "stage": cfg["stage"], "region": cfg["region"]},
        "tables": tables,
        "items": sum(t["items"] for t in tables),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_export(src: Path) -> dict:
    """The manifest of the export in `src`, after checking every file against it."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{src} holds no {MANIFEST}: not a complete export.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src}: unknown export format {manifest.get('format')!r}.")
    for table in manifest["tables"]:
        digest, count = hashlib.sha256(), 0
        with (src / table["file"]).open("rb") as fh:
            for line in fh:
                digest.update(line)
                count += 1
        if count != table["items"] or digest.hexdigest() != table["sha256"]:
            raise BackupError(f"{table['file']} does not match the manifest: damaged export.")
    return manifest


def read_items(src: Path, table: dict) -> Iterator[dict]:
    with (Path(src) / table["file"]).open(encoding="utf-8") as fh:
        for line in fh:
            yield item_from_json(json.loads(line)["Item"])


# --- import --------------------------------------------------------------------------------------


@contextlib.contextmanager
def tables_under(prefix: str) -> Iterator[None]:
    """Point every registered model at its table under `prefix` for the duration: how
    `sync_tables` creates another prefix's tables. Process-wide: only for a command or a test
    that does nothing else meanwhile, never in a process that serves requests."""
    check_prefix(prefix)
    originals = {model: model.Meta.table_name for model in registered_models()}
    try:
        for model in originals:
            model.Meta.table_name = table_name_under(prefix, entity_of(model))
        share_connections()
        yield
    finally:
        for model, name in originals.items():
            model.Meta.table_name = name
        share_connections()


def batch_write(table: str, items: list[dict], *, sleep: Callable[[float], None] = time.sleep):
    """Put `items` (≤ 25) with BatchWriteItem, again for what DynamoDB left unprocessed or
    throttled, with exponential backoff (at most ~30 s per batch)."""
    pending = {table: [{"PutRequest": {"Item": item}} for item in items]}
    delay = 0.05
    for _ in range(12):
        try:
            pending = client().batch_write_item(RequestItems=pending).get("UnprocessedItems")
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in RETRIED_ERRORS:
                raise
        if not pending:
            return
        sleep(delay)
        delay = min(delay * 2, 5)
    raise BackupError(f"{table}: DynamoDB kept items unprocessed; run the import again.")


def import_tables(src: Path, prefix: str, *, force: bool = False, log: Log = print) -> dict:
    """Create every table under `prefix` (as `sync_tables` does) and write the export of
    `src` into it. Refuses tables that already hold items unless `force` (then items are
    overwritten key by key, nothing is deleted). Returns {entity: items counted after}."""
    check_prefix(prefix)
    manifest = read_export(src)
    models = {entity_of(model): model for model in registered_models()}
    unknown = [t["entity"] for t in manifest["tables"] if t["entity"] not in models]
    if unknown:
        raise BackupError(f"The export has tables this code has no model for: {unknown}.")
    present = existing_tables()
    targets = {entity: table_name_under(prefix, entity) for entity in models}
    full = sorted(n for n in targets.values() if n in present and _holds_items(n))
    if full and not force:
        raise BackupError(
            f"{len(full)} table(s) under the prefix {prefix!r} already hold items "
            f"({', '.join(full[:3])}{', …' if len(full) > 3 else ''}): choose a new prefix, "
            "or pass --force to write over them."
        )
    began = time.monotonic()
    with tables_under(prefix):
        created = sync_tables(log=lambda _msg: None)
    log(f"tables: {len(created)} change(s) under {prefix!r} ({time.monotonic() - began:.1f}s)")
    counted = {}
    for table in manifest["tables"]:
        entity, name = table["entity"], targets[table["entity"]]
        began, written, expired, batch = time.monotonic(), 0, 0, []
        ttl = ttl_attribute(models[entity])
        now = time.time()
        for item in read_items(src, table):
            if ttl and "N" in item.get(ttl, {}) and float(item[ttl]["N"]) < now:
                expired += 1  # DynamoDB may delete it any time now (locally: within seconds)
            batch.append(item)
            if len(batch) == BATCH:
                batch_write(name, batch)
                written, batch = written + len(batch), []
        if batch:
            batch_write(name, batch)
            written += len(batch)
        counted[entity] = count_items(name)
        if not (written - expired <= counted[entity] <= written or force):
            raise BackupError(f"{name}: wrote {written} items, the table holds {counted[entity]}.")
        note = f", {expired} already expired (TTL)" if expired else ""
        log(f"{entity}: {written} items{note} ({time.monotonic() - began:.2f}s)")
    for entity in sorted(set(models) - {t["entity"] for t in manifest["tables"]}):
        log(f"{entity}: not in the export, created empty")
    return counted


def delete_tables(prefix: str, *, log: Log = print) -> list[str]:
    """Delete every registered model's table under `prefix` (a drill's restored copy). Never
    the prefix the app runs on."""
    check_prefix(prefix)
    if prefix == settings.DYNAMODB["table_prefix"]:
        raise BackupError("Refusing to delete the tables of the prefix this app runs on.")
    present = existing_tables()
    names = [table_name_under(prefix, entity_of(m)) for m in registered_models()]
    deleted = [name for name in names if name in present]
    for name in deleted:
        client().delete_table(TableName=name)
    log(f"deleted {len(deleted)} table(s) under {prefix!r}")
    return deleted
