"""The default writes of an admin, each with its audit entry in the same transaction.

`create_object` / `update_object` / `delete_object` save with PynamoDB, version-checked,
and record who changed what (`hotel.audit.services.audit_entry`); admins of apps with
services override them to call the services instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from pynamodb.attributes import VersionAttribute
from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from hotel.audit.services import audit_entry
from hotel.dynamo import condition_failed_as, connection
from hotel.errors import Conflict, StaleObject

from .forms import label_for


class WritesMixin:
    # Override create_object / update_object / delete_object to call the app's services.

    def snapshot(self, obj) -> dict[str, Any]:
        """The audited view of an item: JSON values of its attributes, secrets excluded."""
        data = {}
        for name, attr in self.model.get_attributes().items():
            if isinstance(attr, VersionAttribute) or name in self.audit_exclude:
                continue
            data[name] = _jsonable(getattr(obj, name, None))
        return data

    def _audit(self, request, action, obj, before, after):
        return audit_entry(
            actor=request.user.get_username(),
            action=action,
            object_type=self.object_type,
            object_id=self.object_id(obj),
            before=before,
            after=after,
            now=timezone.now(),
            request_id=getattr(request, "request_id", None),
        )

    def create_object(self, request, data: dict):
        """Save a new item unless its key is taken; raises Conflict."""
        obj = self.model(**data)
        entry = self._audit(request, "create", obj, None, self.snapshot(obj))
        taken = Conflict(
            f"A {self.opts.verbose_name} with this {label_for(self.hash_key).lower()} "
            "already exists.",
            details={"fields": {self.hash_key: ["This value is already taken."]}},
        )
        with condition_failed_as(taken), TransactWrite(connection=connection()) as tx:
            tx.save(obj, condition=getattr(self.model, self.hash_key).does_not_exist())
            tx.save(entry)
        return obj

    def update_object(self, request, obj, data: dict, expected_version: int | None):
        """Apply `data` if nobody changed the item since `expected_version`; raises StaleObject."""
        if self._is_stale(obj, expected_version):
            raise StaleObject()
        before = self.snapshot(obj)
        for name, value in data.items():
            setattr(obj, name, value)
        after = self.snapshot(obj)
        if after == before:
            return obj
        entry = self._audit(request, "update", obj, before, after)
        with condition_failed_as(StaleObject), TransactWrite(connection=connection()) as tx:
            tx.save(obj, condition=getattr(self.model, self.hash_key).exists())
            tx.save(entry)
        return obj

    def delete_object(self, request, obj, expected_version: int | None) -> None:
        """Delete the item if nobody changed it since `expected_version`; raises StaleObject."""
        if self._is_stale(obj, expected_version):
            raise StaleObject()
        entry = self._audit(request, "delete", obj, self.snapshot(obj), None)
        with condition_failed_as(StaleObject), TransactWrite(connection=connection()) as tx:
            tx.delete(obj, condition=getattr(self.model, self.hash_key).exists())
            tx.save(entry)

    def save_extra(self, request, obj, form, *, add: bool):
        """After the item is saved: handle form fields that are not attributes (uploads…)."""
        return obj

    def _is_stale(self, obj, expected_version) -> bool:
        if not self.version_attribute or expected_version is None:
            return False
        return getattr(obj, self.version_attribute) != expected_version


def condition_failed(exc: PynamoDBException) -> bool:
    """A write refused by its condition (a version or existence check), not a failure."""
    if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
        return True
    return any(
        r is not None and r.code == "ConditionalCheckFailed"
        for r in (getattr(exc, "cancellation_reasons", None) or [])
    )


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value
