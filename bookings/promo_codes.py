"""Promo codes as managers edit them (the API and the admin come through here).

A code's `uses` is counted by the bookings themselves, in their own transactions
(bookings.promo_uses). So a change here never writes the whole item back: it is an update
of the fields that changed, conditional on the revision the caller saw, and `uses` is
never among them — a booking's ADD that lands between our read and our write is kept.

A code that was used is not deleted (409 PROMO_CODE_IN_USE): a cancelled booking gives its
use back to the code's item, and the bookings name it. Deactivate it instead.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from hotel.audit.services import audit_add
from hotel.dynamo import commit
from hotel.errors import Conflict, NotFound, StaleObject, ValidationFailed

from .models import PROMO_ITEM, PromoCode
from .rate_plan_checks import int_in
from .rate_reads import rate_plans_all

AUDIT_TYPE = "bookings.promocode"
CODE_RE = re.compile(r"^[A-Z0-9_-]{3,40}$")
MAX_AMOUNT = 100_000_000
MAX_USES = 10_000_000
DATES = (("bookFrom", "bookTo"), ("stayFrom", "stayTo"))
# What managers edit, in the order the audit and the API show it (never `uses`).
EDITABLE = (
    "description",
    "percent",
    "amount",
    "bookFrom",
    "bookTo",
    "stayFrom",
    "stayTo",
    "ratePlans",
    "maxUses",
    "perGuest",
    "active",
)
# What a new code (or a PUT) has for the fields the request leaves out.
DEFAULTS: dict[str, Any] = {
    "description": None,
    "percent": None,
    "amount": None,
    "bookFrom": None,
    "bookTo": None,
    "stayFrom": None,
    "stayTo": None,
    "ratePlans": [],
    "maxUses": None,
    "perGuest": None,
    "active": True,
}


def _day(value: Any) -> tuple[str | None, str | None]:
    if value in (None, ""):
        return None, None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat(), None
    try:
        return date.fromisoformat(str(value)).isoformat(), None
    except ValueError:
        return None, "Enter a date like 2027-03-09, or null."


def _limit(value: Any) -> str | None:
    return None if value is None else int_in(value, 1, MAX_USES)


def _plans(value: Any) -> tuple[list[str] | None, str | None]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, "A list of rate plan codes (empty: every plan)."
    codes = list(dict.fromkeys(v.strip().upper() for v in value))
    known = {p.ratePlan for p in rate_plans_all()}
    unknown = [c for c in codes if c not in known]
    if unknown:
        return None, f"No rate plan {', '.join(u[:20] for u in unknown[:5])} exists."
    return codes, None


def _description(value: Any) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, str) or len(value) > 500:
        return None, "At most 500 characters of text."
    return value.strip() or None, None


def _code(value: Any) -> tuple[str | None, str | None]:
    code = value.strip().upper() if isinstance(value, str) else None
    if not code or not CODE_RE.match(code):
        return None, "Use 3 to 40 letters, digits, hyphens and underscores, e.g. SPRING10."
    return code, None


def promo_code_validate(*, data: dict, creating: bool, current: PromoCode | None = None) -> dict:
    """Check a code's fields; return the cleaned subset (code upper case, dates YYYY-MM-DD).
    Checked together with `current` for what `data` leaves out: exactly one of percent and
    amount (giving one clears the other), each window's start not after its end. Every
    field's problem comes in one ValidationFailed."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def check(name: str, clean) -> None:
        if name in data:
            value, problem = clean(data[name])
            if problem:
                errors[name] = [problem]
            else:
                cleaned[name] = value

    if creating:
        check("code", _code)
    check("description", _description)
    check("percent", lambda v: (v, None if v is None else int_in(v, 1, 100)))
    check("amount", lambda v: (v, None if v is None else int_in(v, 1, MAX_AMOUNT)))
    for pair in DATES:
        for name in pair:
            check(name, _day)
    check("ratePlans", _plans)
    check("maxUses", lambda v: (v, _limit(v)))
    check("perGuest", lambda v: (v, _limit(v)))
    check("active", lambda v: (v, None if isinstance(v, bool) else "Must be true or false."))
    _check_discount(data, current, cleaned, errors)
    _check_windows(current, cleaned, errors)
    if errors:
        raise ValidationFailed(
            "Some fields of the promo code are invalid.", details={"fields": errors}
        )
    return cleaned


def _check_discount(data: dict, current: PromoCode | None, cleaned: dict, errors: dict) -> None:
    if "percent" in errors or "amount" in errors:
        return
    given = {n: cleaned[n] for n in ("percent", "amount") if n in data}
    if current is not None and not any(v is not None for v in given.values()):
        given = {n: given.get(n, getattr(current, n)) for n in ("percent", "amount")}
    percent, amount = given.get("percent"), given.get("amount")
    if percent is not None and amount is not None:
        message = "Give either a percent or an amount, not both."
        errors["percent"], errors["amount"] = [message], [message]
    elif percent is None and amount is None:
        errors["percent"] = ["Give a percent (1–100) or an amount (minor units off the stay)."]
    else:
        cleaned["percent"], cleaned["amount"] = percent, amount


def _check_windows(current: PromoCode | None, cleaned: dict, errors: dict) -> None:
    for start, end in DATES:
        if start in errors or end in errors:
            continue
        first = cleaned.get(start, getattr(current, start, None))
        last = cleaned.get(end, getattr(current, end, None))
        if first and last and last < first:
            errors[end] = [f"Cannot be before {start} ({first})."]


def promo_code_snapshot(promo: PromoCode) -> dict:
    """The audited view of a code: what managers edit (not the bookings' `uses`)."""
    snapshot = {"code": promo.code}
    for name in EDITABLE:
        value = getattr(promo, name)
        snapshot[name] = list(value) if name == "ratePlans" else value
    snapshot["ratePlans"] = snapshot["ratePlans"] or []
    return snapshot


def promo_codes_all() -> list[PromoCode]:
    """Every code (not the per-guest counters), by code: a small table read whole."""
    found = PromoCode.scan(filter_condition=PromoCode.item == PROMO_ITEM)
    return sorted(found, key=lambda p: p.code)


def promo_code_read(code: str) -> PromoCode:
    """The code, read consistently (any case). Raises NotFound (PROMO_CODE_NOT_FOUND)."""
    key = code.strip().upper() if isinstance(code, str) else ""
    try:
        if CODE_RE.match(key):
            return PromoCode.get(key, PROMO_ITEM, consistent_read=True)
    except DoesNotExist:
        pass
    raise NotFound(f"Promo code {str(code)[:40]} does not exist.", code="PROMO_CODE_NOT_FOUND")


def _audit(tx, *, action: str, code: str, before, after, actor, now, request_id) -> None:
    audit_add(
        tx,
        actor=actor,
        action=action,
        object_type=AUDIT_TYPE,
        object_id=code,
        before=before,
        after=after,
        now=now,
        request_id=request_id,
    )


def promo_code_create(
    *, data: dict, actor: str, now: datetime, request_id: str | None = None
) -> PromoCode:
    """Create a code with no uses. Raises ValidationFailed, Conflict (PROMO_CODE_EXISTS)."""
    cleaned = promo_code_validate(data=data, creating=True)
    promo = PromoCode(
        **{**DEFAULTS, **cleaned}, item=PROMO_ITEM, uses=0, revision=1, lastUpdated=now
    )
    after = promo_code_snapshot(promo)

    def build(tx):
        tx.save(promo, condition=PromoCode.code.does_not_exist())
        _audit(
            tx,
            action="create",
            code=promo.code,
            before=None,
            after=after,
            actor=actor,
            now=now,
            request_id=request_id,
        )

    exists = Conflict(
        f"Promo code {promo.code} already exists.",
        code="PROMO_CODE_EXISTS",
        details={"fields": {"code": ["A promo code with this code already exists."]}},
    )
    commit(build, refused=exists)
    return promo


def _same_revision(seen: int):
    if seen == 0:  # stored without one (e.g. seeded directly)
        return PromoCode.revision.does_not_exist()
    return PromoCode.revision == seen


def _stale(code: str, seen: int) -> StaleObject:
    return StaleObject(
        f"Promo code {code} was changed by someone else since you loaded it (you had "
        f"revision {seen}). Reload it and try again."
    )


def promo_code_update(
    *,
    code: str,
    data: dict,
    actor: str,
    now: datetime,
    replace: bool = False,
    expected_revision: int | None = None,
    request_id: str | None = None,
) -> PromoCode:
    """Change the fields in `data` (`replace`: every field, what `data` leaves out back to
    DEFAULTS — a PUT), as one conditional update that never writes `uses`. Returns the code
    as stored afterwards. Raises NotFound, ValidationFailed, StaleObject."""
    promo = promo_code_read(code)
    code, seen = promo.code, promo.revision or 0
    if "code" in data and str(data["code"]).strip().upper() != code:
        raise ValidationFailed(details={"fields": {"code": ["A promo code cannot be renamed."]}})
    if expected_revision is not None and expected_revision != seen:
        raise _stale(code, expected_revision)
    data = {k: v for k, v in data.items() if k != "code"}
    if replace:
        data = {**DEFAULTS, **data}
    cleaned = promo_code_validate(data=data, creating=False, current=promo)
    before = promo_code_snapshot(promo)
    changes = {name: value for name, value in cleaned.items() if before[name] != value}
    if not changes:
        return promo  # Nothing changed: no write, no audit noise.
    for name, value in changes.items():
        setattr(promo, name, value)
    after = promo_code_snapshot(promo)
    actions = [
        getattr(PromoCode, n).remove() if v is None else getattr(PromoCode, n).set(v)
        for n, v in changes.items()
    ]
    actions += [PromoCode.revision.set(seen + 1), PromoCode.lastUpdated.set(now)]

    def build(tx):
        tx.update(
            PromoCode(code=code, item=PROMO_ITEM),
            actions=actions,
            condition=PromoCode.code.exists() & _same_revision(seen),
        )
        _audit(
            tx,
            action="update",
            code=code,
            before=before,
            after=after,
            actor=actor,
            now=now,
            request_id=request_id,
        )

    commit(build, refused=lambda: _stale(code, seen))
    return promo_code_read(code)


def promo_code_delete(
    *,
    code: str,
    actor: str,
    now: datetime,
    expected_revision: int | None = None,
    request_id: str | None = None,
) -> None:
    """Delete a code nobody has used (conditional on `uses` still being 0, so a booking
    taking it meanwhile wins), and its per-guest counters. Raises NotFound, StaleObject,
    Conflict (PROMO_CODE_IN_USE)."""
    promo = promo_code_read(code)
    code, seen = promo.code, promo.revision or 0
    if expected_revision is not None and expected_revision != seen:
        raise _stale(code, expected_revision)
    if promo.uses:
        raise _in_use(code, promo.uses)
    before = promo_code_snapshot(promo)
    unused = PromoCode.uses.does_not_exist() | (PromoCode.uses == 0)

    def build(tx):
        tx.delete(
            PromoCode(code=code, item=PROMO_ITEM),
            condition=PromoCode.code.exists() & _same_revision(seen) & unused,
        )
        _audit(
            tx,
            action="delete",
            code=code,
            before=before,
            after=None,
            actor=actor,
            now=now,
            request_id=request_id,
        )

    def refused():
        try:
            fresh = PromoCode.get(code, PROMO_ITEM, consistent_read=True)
        except DoesNotExist:
            return NotFound(f"Promo code {code} does not exist.", code="PROMO_CODE_NOT_FOUND")
        return _in_use(code, fresh.uses) if fresh.uses else _stale(code, seen)

    commit(build, refused=refused)
    with PromoCode.batch_write() as batch:
        for counter in PromoCode.query(code, PromoCode.item.startswith("guest#")):
            batch.delete(counter)


def _in_use(code: str, uses: int) -> Conflict:
    return Conflict(
        f"Promo code {code} has been used {uses} time(s): bookings name it, so it is kept. "
        "Deactivate it instead.",
        code="PROMO_CODE_IN_USE",
        details={"uses": uses},
    )
