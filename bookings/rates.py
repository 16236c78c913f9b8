"""Rate rule writes (staff manage them in the admin). Pricing reads them via selectors.

Each write is validated here, conditional on the version the caller saw, and carries
its audit entry in the same DynamoDB transaction.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from hotel.audit.services import audit_add
from hotel.dynamo import commit
from hotel.errors import NotFound, StaleObject, ValidationFailed
from hotel.stamps import stamp_bump
from rooms.room_types import CATALOG, PRICING, room_type_choices, room_type_code_error

from .models import RateRule
from .pricing import FIXED, PERCENT

OBJECT_TYPE = "bookings.raterule"
KINDS = (PERCENT, FIXED)
PERCENT_RANGE = (-100, 500)
MAX_FIXED = 100_000_000  # minor units; the same ceiling as a room's price
PRIORITY_RANGE = (-1000, 1000)
STAY_RANGE = (1, 365)
FIELDS = (
    "name",
    "kind",
    "value",
    "roomType",
    "startDate",
    "endDate",
    "weekdays",
    "priority",
    "minStay",
    "maxStay",
    "active",
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_or_none(value: Any, low: int, high: int, errors: dict, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not _is_int(value) or not low <= value <= high:
        errors[name] = [f"Enter a whole number between {low} and {high}, or leave it empty."]
        return None
    return value


def _date_or_none(value: Any, errors: dict, name: str) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        errors[name] = ["Enter a date like 2026-03-09."]
        return None


def rate_rule_validate(*, data: dict) -> dict:
    """Check a rule's fields; return them cleaned (dates as YYYY-MM-DD, weekdays sorted).

    Raises ValidationFailed with per-field messages.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    raw_name = data.get("name")
    name = raw_name.strip() if isinstance(raw_name, str) else ""
    if not name or len(name) > 80:
        errors["name"] = ["Enter a name of 1 to 80 characters."]
    cleaned["name"] = name

    kind = data.get("kind")
    if kind not in KINDS:
        errors["kind"] = ["Choose percent or fixed."]
    cleaned["kind"] = kind

    value = data.get("value")
    if not _is_int(value):
        errors["value"] = ["Enter a whole number."]
    elif kind == PERCENT and not PERCENT_RANGE[0] <= value <= PERCENT_RANGE[1]:
        errors["value"] = [
            f"A percentage must be between {PERCENT_RANGE[0]} and {PERCENT_RANGE[1]}."
        ]
    elif kind == FIXED and value < 0:
        errors["value"] = ["A fixed price cannot be negative."]
    elif kind == FIXED and value > MAX_FIXED:
        errors["value"] = ["That price is too high for one night."]
    cleaned["value"] = value

    room_type = data.get("roomType") or None
    if room_type is not None and room_type_code_error(room_type, first_version=False):
        codes = ", ".join(code for code, _name in room_type_choices())
        errors["roomType"] = [f"Choose one of: {codes}, or all room types."]
    cleaned["roomType"] = room_type

    start = _date_or_none(data.get("startDate"), errors, "startDate")
    end = _date_or_none(data.get("endDate"), errors, "endDate")
    if start and end and end < start:
        errors["endDate"] = ["The end date cannot be before the start date."]
    cleaned["startDate"], cleaned["endDate"] = start, end

    weekdays = data.get("weekdays") or []
    if not isinstance(weekdays, list | tuple | set) or not all(
        _is_int(d) and 0 <= d <= 6 for d in weekdays
    ):
        errors["weekdays"] = ["Weekdays are numbers from 0 (Monday) to 6 (Sunday)."]
    else:
        cleaned["weekdays"] = sorted(set(weekdays))

    priority = data.get("priority", 0)
    priority = 0 if priority in (None, "") else priority
    if not _is_int(priority) or not PRIORITY_RANGE[0] <= priority <= PRIORITY_RANGE[1]:
        errors["priority"] = [
            f"Enter a whole number between {PRIORITY_RANGE[0]} and {PRIORITY_RANGE[1]}."
        ]
    cleaned["priority"] = priority

    min_stay = _int_or_none(data.get("minStay"), *STAY_RANGE, errors, "minStay")
    max_stay = _int_or_none(data.get("maxStay"), *STAY_RANGE, errors, "maxStay")
    if min_stay and max_stay and min_stay > max_stay:
        errors["maxStay"] = ["The maximum stay cannot be shorter than the minimum stay."]
    cleaned["minStay"], cleaned["maxStay"] = min_stay, max_stay

    active = data.get("active", True)
    if not isinstance(active, bool):
        errors["active"] = ["Must be yes or no."]
    cleaned["active"] = active

    if errors:
        raise ValidationFailed(
            "Some fields of the rate rule are invalid.", details={"fields": errors}
        )
    return cleaned


def rate_rule_snapshot(rule: RateRule) -> dict:
    """The audited view of a rule."""
    snapshot = {name: getattr(rule, name) for name in FIELDS}
    snapshot["weekdays"] = [int(d) for d in rule.weekdays or []]
    return snapshot


def _get(rule_id: str) -> RateRule:
    try:
        return RateRule.get(rule_id, consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound(f"Rate rule {rule_id} does not exist.", code="RATE_RULE_NOT_FOUND") from exc


def _stale(rule_id: str) -> StaleObject:
    return StaleObject(
        f"Rate rule {rule_id} was changed or deleted by someone else since you loaded it. "
        "Reload it and try again."
    )


def rate_rule_save(
    *,
    rule_id: str | None,
    data: dict,
    actor: str,
    now: datetime,
    expected_version: int | None = None,
    request_id: str | None = None,
) -> RateRule:
    """Create a rule (`rule_id` None) or replace an existing one's fields.

    Raises ValidationFailed, NotFound, StaleObject.
    """
    cleaned = rate_rule_validate(data=data)
    if rule_id is None:
        rule = RateRule(ruleId=f"RR-{secrets.token_hex(5).upper()}", **cleaned)
        before = None
        condition = RateRule.ruleId.does_not_exist()
        action = "create"
    else:
        rule = _get(rule_id)
        if expected_version is not None and expected_version != rule.version:
            raise _stale(rule_id)
        before = rate_rule_snapshot(rule)
        for name, value in cleaned.items():
            setattr(rule, name, value)
        if rate_rule_snapshot(rule) == before:
            return rule  # Nothing changed: no write, no audit noise.
        condition = RateRule.ruleId.exists()  # + version == what we read
        action = "update"
    rule.lastUpdated = now
    after = rate_rule_snapshot(rule)

    def build(tx):
        tx.save(rule, condition=condition)
        audit_add(
            tx,
            actor=actor,
            action=action,
            object_type=OBJECT_TYPE,
            object_id=rule.ruleId,
            before=before,
            after=after,
            now=now,
            request_id=request_id,
        )

    commit(build, refused=lambda: _stale(rule.ruleId))
    stamp_bump(CATALOG)  # searches reload their copy of the rules
    stamp_bump(PRICING)
    return rule


def rate_rule_delete(
    *,
    rule_id: str,
    actor: str,
    now: datetime,
    expected_version: int | None = None,
    request_id: str | None = None,
) -> None:
    """Delete a rule; new quotes stop using it at once. Raises NotFound, StaleObject."""
    rule = _get(rule_id)
    if expected_version is not None and expected_version != rule.version:
        raise _stale(rule_id)
    before = rate_rule_snapshot(rule)

    def build(tx):
        tx.delete(rule)  # conditional on the version we read
        audit_add(
            tx,
            actor=actor,
            action="delete",
            object_type=OBJECT_TYPE,
            object_id=rule.ruleId,
            before=before,
            after=None,
            now=now,
            request_id=request_id,
        )

    commit(build, refused=lambda: _stale(rule_id))
    stamp_bump(CATALOG)
    stamp_bump(PRICING)
