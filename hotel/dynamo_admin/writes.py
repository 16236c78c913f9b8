"""The default writes of an admin, each with its audit entry in the same transaction.

`create_object` / `update_object` / `delete_object` save with PynamoDB, version-checked,
and record who changed what (`hotel.audit.services.audit_add`, the actor from
hotel.actor.actor_from); admins of apps with services override them to call the services
instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pynamodb.attributes import VersionAttribute
from pynamodb.exceptions import PynamoDBException

from hotel.actor import actor_from
from hotel.audit.services import audit_add
from hotel.dynamo import condition_failed_as, new_transaction
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

    def create_object(self, request, data: dict):
        """Save a new item unless its key is taken; raises Conflict."""
        obj = self.model(**data)
        after = self.snapshot(obj)
        taken = Conflict(
            f"A {self.opts.verbose_name} with this {label_for(self.hash_key).lower()} "
            "already exists.",
            details={"fields": {self.hash_key: ["This value is already taken."]}},
        )
        with condition_failed_as(taken), new_transaction() as tx:
            tx.save(obj, condition=getattr(self.model, self.hash_key).does_not_exist())
            audit_add(
                tx,
                action="create",
                object_type=self.object_type,
                object_id=self.object_id(obj),
                before=None,
                after=after,
                **actor_from(request).as_kwargs(),
            )
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
        with condition_failed_as(StaleObject), new_transaction() as tx:
            tx.save(obj, condition=getattr(self.model, self.hash_key).exists())
            audit_add(
                tx,
                action="update",
                object_type=self.object_type,
                object_id=self.object_id(obj),
                before=before,
                after=after,
                **actor_from(request).as_kwargs(),
            )
        return obj

    def delete_object(self, request, obj, expected_version: int | None) -> None:
        """Delete the item if nobody changed it since `expected_version`; raises StaleObject."""
        if self._is_stale(obj, expected_version):
            raise StaleObject()
        before = self.snapshot(obj)
        with condition_failed_as(StaleObject), new_transaction() as tx:
            tx.delete(obj, condition=getattr(self.model, self.hash_key).exists())
            audit_add(
                tx,
                action="delete",
                object_type=self.object_type,
                object_id=self.object_id(obj),
                before=before,
                after=None,
                **actor_from(request).as_kwargs(),
            )

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
