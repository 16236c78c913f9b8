"""Rate plan writes: how managers sell the room types (the API and the admin come through
here; bookings.rate_reads reads the plans).

Every write is one DynamoDB transaction with its audit entry, conditional on the revision
the caller saw, and bumps the catalog stamp so every process's searches reload the plans.

FLEX, the default plan, always exists (rate_reads.default_plan_item until someone stores
it): it can be edited — its first edit stores it — but never deleted, never deactivated, and
it always sells every room type, also types created later.

Deleting another plan is allowed while bookings were sold under it: each booking keeps a
snapshot of the terms it was sold with (Booking.terms) and is re-priced, changed and
cancelled by that snapshot (bookings.stay_pricing.quote_booking), so nothing already sold
changes; new searches stop offering the plan at once. Its rate-calendar days and the promo
codes that name it are left as they are (a plan created again under the code finds them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hotel.audit.services import audit_add
from hotel.dynamo import commit
from hotel.errors import Conflict, NotFound, StaleObject, ValidationFailed
from hotel.stamps import stamp_bump
from hotel.translations import translations_check
from rooms.room_types import CATALOG, PRICING

from . import rate_plan_checks as checks
from .models import CHANNELS, RatePlan
from .rate_reads import DEFAULT_PLAN, rate_plan_get
from .rate_terms import DEPOSIT, PREPAY

AUDIT_TYPE = "bookings.rateplan"  # the audit log's object type for a rate plan
# What managers edit, in the order the audit and the API show it.
EDITABLE = (
    "name",
    "description",
    "roomTypes",
    "active",
    "channels",
    "adjustment",
    "cancellation",
    "noShowPercent",
    "payment",
    "depositPercent",
    "occupancy",
    "included",
    "sortOrder",
    "translations",
)
# What guests read of a plan, per guest language ({field: max length}); its description is
# the staff's (the guest pages do not show it).
TRANSLATED = {"name": 80}
# A new plan's values for what the request leaves out (and what a PUT resets; not its
# translations, which a PUT without them keeps: clients that predate them must not erase them).
DEFAULTS: dict[str, Any] = {
    "description": "",
    "roomTypes": [],
    "active": True,
    "channels": list(CHANNELS),
    "adjustment": None,
    "cancellation": None,
    "noShowPercent": 100,
    "payment": PREPAY,
    "depositPercent": None,
    "occupancy": None,
    "included": None,
    "sortOrder": 0,
}


def _cleaned(check):
    """A checker returning (cleaned, problem) as (cleaned, [problems])."""

    def run(value):
        cleaned, problem = check(value)
        return cleaned, [problem] if problem else []

    return run


def _plain(problem_of):
    """A checker of a plain value: text trimmed, the rest as given."""

    def run(value):
        problem = problem_of(value)
        return (value.strip() if isinstance(value, str) else value), [problem] if problem else []

    return run


_CHECKS: dict[str, Any] = {
    "name": _plain(lambda v: checks.text(v, 1, 80)),
    "description": _plain(lambda v: checks.text(v, 0, 2000)),
    "roomTypes": _cleaned(checks.room_types),
    "active": _plain(lambda v: None if isinstance(v, bool) else "Must be true or false."),
    "channels": _cleaned(checks.channels),
    "adjustment": _cleaned(checks.adjustment),
    "cancellation": _cleaned(checks.cancellation),
    "noShowPercent": _plain(lambda v: checks.int_in(v, 0, 100)),
    "occupancy": checks.occupancy,
    "included": _cleaned(checks.included),
    "sortOrder": _plain(lambda v: checks.int_in(v, -1_000_000, 1_000_000)),
}


def rate_plan_validate(*, data: dict, creating: bool, current: RatePlan | None = None) -> dict:
    """Check a plan's fields; return the cleaned subset of `data` (codes upper case, text
    trimmed, policies canonical). Payment terms are checked together with `current`'s values
    for what `data` leaves out. Every field's problem comes in one ValidationFailed."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    code = current.ratePlan if current is not None else None
    if creating:
        for name in ("ratePlan", "name"):
            if data.get(name) in (None, ""):
                errors[name] = ["This field is required."]
        if "ratePlan" not in errors:
            code, problem = checks.plan_code(data["ratePlan"])
            if problem:
                errors["ratePlan"] = [problem]
            else:
                cleaned["ratePlan"] = code
    for name, check in _CHECKS.items():
        if name not in data or name in errors:
            continue
        value, problems = check(data[name])
        if problems:
            errors[name] = problems
        else:
            cleaned[name] = value
    if "translations" in data:
        cleaned["translations"], problems = translations_check(data["translations"], TRANSLATED)
        errors.update(problems)
    _check_payment(data, current, cleaned, errors)
    if code == DEFAULT_PLAN:
        if cleaned.get("roomTypes"):
            errors["roomTypes"] = [
                "FLEX, the default plan, sells every room type: leave the list empty."
            ]
        if cleaned.get("active") is False:
            errors["active"] = ["FLEX, the default plan, cannot be deactivated."]
    if errors:
        raise ValidationFailed(
            "Some fields of the rate plan are invalid.", details={"fields": errors}
        )
    return cleaned


def _check_payment(data: dict, current: RatePlan | None, cleaned: dict, errors: dict) -> None:
    if "payment" not in data and "depositPercent" not in data:
        return
    payment = data.get("payment", current.payment if current is not None else PREPAY)
    kept = current.depositPercent if current is not None and payment == DEPOSIT else None
    deposit = data.get("depositPercent", kept)
    (payment, deposit), problems = checks.payment_terms(
        payment, deposit, deposit_given="depositPercent" in data
    )
    for name, problem in problems.items():
        errors.setdefault(name, [problem])
    if not problems:
        cleaned["payment"], cleaned["depositPercent"] = payment, deposit


def rate_plan_snapshot(plan: RatePlan) -> dict:
    """The audited (and API) view of what managers edit about a plan."""
    return {"ratePlan": plan.ratePlan, **{name: _copy(getattr(plan, name)) for name in EDITABLE}}


def _copy(value):
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def rate_plan_read(code: str) -> RatePlan:
    """The plan (FLEX even before it is stored), read consistently. Raises NotFound."""
    found = None
    if isinstance(code, str) and 1 <= len(code) <= 20:
        found = rate_plan_get(code.upper(), consistent=True)
    if found is None:
        raise NotFound(f"Rate plan {str(code)[:20]} does not exist.", code="RATE_PLAN_NOT_FOUND")
    return found


def _stale(code: str, seen: int | None, now_at: int | None) -> StaleObject:
    return StaleObject(
        f"Rate plan {code} was changed by someone else since you loaded it"
        + (f" (you had revision {seen}, it is now {now_at})" if now_at is not None else "")
        + ". Reload it and try again.",
        details={"currentRevision": now_at} if now_at is not None else {},
    )


def _current_revision(code: str) -> int | None:
    plan = rate_plan_get(code, consistent=True)
    return plan.revision if plan is not None else None


def _write(
    plan: RatePlan,
    *,
    seen: int,
    before: dict | None,
    action: str,
    actor: str,
    now: datetime,
    request_id: str | None,
    refused,
) -> RatePlan:
    """Store `plan` if its stored revision is still `seen` (0: not stored yet); bump it."""
    plan.revision, plan.lastUpdated = seen + 1, now
    after = rate_plan_snapshot(plan)
    if seen == 0:
        condition = RatePlan.ratePlan.does_not_exist()
    else:
        condition = RatePlan.revision == seen
        if seen == 1:  # stored without a revision (e.g. by a migration)
            condition |= RatePlan.revision.does_not_exist()
        condition &= RatePlan.ratePlan.exists()

    def build(tx):
        tx.save(plan, condition=condition)
        audit_add(
            tx,
            actor=actor,
            action=action,
            object_type=AUDIT_TYPE,
            object_id=plan.ratePlan,
            before=before,
            after=after,
            now=now,
            request_id=request_id,
        )

    try:
        commit(build, refused=refused)
    finally:
        stamp_bump(CATALOG)  # searches reload their copy of the plans
        stamp_bump(PRICING)
    return plan


def rate_plan_create(
    *, data: dict, actor: str, now: datetime, request_id: str | None = None
) -> RatePlan:
    """Create a plan; what `data` leaves out takes DEFAULTS. Raises ValidationFailed,
    Conflict (RATE_PLAN_EXISTS, also for FLEX, which always exists)."""
    cleaned = rate_plan_validate(data=data, creating=True)
    code = cleaned["ratePlan"]
    exists = Conflict(
        f"Rate plan {code} already exists."
        + (" FLEX is the default plan: edit it instead." if code == DEFAULT_PLAN else ""),
        code="RATE_PLAN_EXISTS",
        details={"fields": {"ratePlan": ["A rate plan with this code already exists."]}},
    )
    if code == DEFAULT_PLAN:
        raise exists
    plan = RatePlan(**{**DEFAULTS, **cleaned})
    return _write(
        plan,
        seen=0,
        before=None,
        action="create",
        actor=actor,
        now=now,
        request_id=request_id,
        refused=exists,
    )


def rate_plan_update(
    *,
    code: str,
    data: dict,
    actor: str,
    now: datetime,
    replace: bool = False,
    expected_revision: int | None = None,
    request_id: str | None = None,
) -> RatePlan:
    """Change a plan: the fields in `data` (`replace`: every field, what `data` leaves out
    back to DEFAULTS — a PUT). FLEX's first edit stores it. Raises NotFound,
    ValidationFailed, StaleObject."""
    plan = rate_plan_read(code)
    code = plan.ratePlan
    if "ratePlan" in data and str(data["ratePlan"]).upper() != code:
        raise ValidationFailed(details={"fields": {"ratePlan": ["A plan's code cannot change."]}})
    seen = plan.revision or 0
    if expected_revision is not None and expected_revision != seen:
        raise _stale(code, expected_revision, seen)
    data = {k: v for k, v in data.items() if k != "ratePlan"}
    if replace:
        data = {**DEFAULTS, **data}
    cleaned = rate_plan_validate(data=data, creating=False, current=plan)
    before = rate_plan_snapshot(plan)
    for name, value in cleaned.items():
        setattr(plan, name, value)
    if rate_plan_snapshot(plan) == before:
        return plan  # Nothing changed: no write, no audit noise.
    return _write(
        plan,
        seen=seen,
        before=before,
        action="update",
        actor=actor,
        now=now,
        request_id=request_id,
        refused=lambda: _stale(code, seen, _current_revision(code)),
    )


def rate_plan_delete(
    *,
    code: str,
    actor: str,
    now: datetime,
    expected_revision: int | None = None,
    request_id: str | None = None,
) -> None:
    """Delete a plan (bookings sold under it keep their snapshot: see the module's note).
    Raises NotFound, Conflict (DEFAULT_RATE_PLAN: FLEX), StaleObject."""
    plan = rate_plan_read(code)
    code = plan.ratePlan
    if code == DEFAULT_PLAN:
        raise Conflict(
            "FLEX is the default plan and cannot be deleted. Edit it instead.",
            code="DEFAULT_RATE_PLAN",
        )
    seen = plan.revision or 1
    if expected_revision is not None and expected_revision != seen:
        raise _stale(code, expected_revision, seen)
    before = rate_plan_snapshot(plan)
    same = RatePlan.revision == seen
    if seen == 1:
        same |= RatePlan.revision.does_not_exist()

    def build(tx):
        tx.delete(RatePlan(ratePlan=code), condition=RatePlan.ratePlan.exists() & same)
        audit_add(
            tx,
            actor=actor,
            action="delete",
            object_type=AUDIT_TYPE,
            object_id=code,
            before=before,
            after=None,
            now=now,
            request_id=request_id,
        )

    def refused():
        now_at = _current_revision(code)
        if now_at is None:
            return NotFound(f"Rate plan {code} does not exist.", code="RATE_PLAN_NOT_FOUND")
        return _stale(code, seen, now_at)

    try:
        commit(build, refused=refused)
    finally:
        stamp_bump(CATALOG)
        stamp_bump(PRICING)
