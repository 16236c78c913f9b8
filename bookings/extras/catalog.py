"""The extras catalog as managers edit it (the API and the admin come through here).

An extra is one small item; a change writes it whole, conditional on the revision the
caller saw. Bookings copy what they sold (name, price, tax category, the stock dates), so
editing or deleting an extra never changes a booking or its bill; the stock counters are
keyed by code and stay with it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from hotel.audit.services import audit_add
from hotel.dynamo import commit
from hotel.errors import Conflict, NotFound, StaleObject, ValidationFailed
from hotel.taxes import tax_rates
from hotel.translations import translations_check

from ..rate_reads import rate_plans_all
from .models import UNITS, Extra

AUDIT_TYPE = "bookings.extra"
CODE_RE = re.compile(r"^[A-Z0-9_-]{2,30}$")
MAX_PRICE = 100_000_000
MAX_STOCK = 100_000
EDITABLE = (
    "name",
    "description",
    "price",
    "unit",
    "taxCategory",
    "bookableOnline",
    "includedIn",
    "dailyStock",
    "active",
    "sortOrder",
    "translations",
)
TRANSLATED = {"name": 120, "description": 1000}  # per guest language: {field: max length}
# What the request leaves out on create (and what a PUT resets; not the translations, which
# a PUT without them keeps: clients that predate them must not erase them).
DEFAULTS: dict[str, Any] = {
    "description": "",
    "unit": "per_item",
    "taxCategory": "standard",
    "bookableOnline": True,
    "includedIn": [],
    "dailyStock": None,
    "active": True,
    "sortOrder": 0,
}


def tax_categories() -> set[str]:
    """The hotel's tax categories (hotel.taxes: standard, zero, exempt and its own)."""
    return set(tax_rates())


def _int(value: Any, low: int, high: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"A whole number from {low} to {high}."
    return None


def _text(value: Any, limit: int, *, required: bool) -> tuple[Any, str | None]:
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        return None, f"{'Required; a' if required else 'A'}t most {limit} characters of text."
    return value.strip(), None


def _plans(value: Any) -> tuple[list[str] | None, str | None]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, "A list of rate plan codes."
    codes = list(dict.fromkeys(v.strip().upper() for v in value))
    known = {p.ratePlan for p in rate_plans_all()}
    unknown = [c for c in codes if c not in known]
    if unknown:
        return None, f"No rate plan {', '.join(u[:20] for u in unknown[:5])} exists."
    return codes, None


def extra_validate(*, data: dict, creating: bool, current: Extra | None = None) -> dict:
    """Check an extra's fields; return the cleaned subset (code upper case). Every field's
    problem comes in one ValidationFailed."""
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
        code = data.get("code").strip().upper() if isinstance(data.get("code"), str) else ""
        if not CODE_RE.match(code):
            errors["code"] = ["Use 2 to 30 letters, digits, hyphens and underscores."]
        cleaned["code"] = code
        for name in ("name", "price"):
            if name not in data:
                errors[name] = ["This field is required."]
    check("name", lambda v: _text(v, 120, required=True))
    check("description", lambda v: _text(v or "", 1000, required=False))
    check("price", lambda v: (v, _int(v, 0, MAX_PRICE)))
    check("unit", lambda v: (v, None if v in UNITS else f"One of {', '.join(UNITS)}."))
    categories = tax_categories()
    check(
        "taxCategory",
        lambda v: (v, None if v in categories else f"One of {', '.join(sorted(categories))}."),
    )
    for flag in ("bookableOnline", "active"):
        check(flag, lambda v: (v, None if isinstance(v, bool) else "Must be true or false."))
    check("includedIn", _plans)
    check("dailyStock", lambda v: (v, None if v is None else _int(v, 0, MAX_STOCK)))
    check("sortOrder", lambda v: (v, _int(v, -10_000, 10_000)))
    if "translations" in data:
        cleaned["translations"], problems = translations_check(data["translations"], TRANSLATED)
        errors.update(problems)
    if errors:
        raise ValidationFailed("Some fields of the extra are invalid.", details={"fields": errors})
    return cleaned


def extra_snapshot(extra: Extra) -> dict:
    snapshot = {"code": extra.code}
    for name in EDITABLE:
        value = getattr(extra, name)
        snapshot[name] = list(value or []) if name == "includedIn" else value
    return snapshot


def extras_all() -> list[Extra]:
    """Every extra, in the order guests see them (sortOrder, name): a small table."""
    return sorted(Extra.scan(), key=lambda e: (e.sortOrder or 0, e.name, e.code))


def extra_get(code: str, *, consistent: bool = True) -> Extra:
    """The extra `code` (any case). Raises NotFound (EXTRA_NOT_FOUND)."""
    key = code.strip().upper() if isinstance(code, str) else ""
    try:
        if CODE_RE.match(key):
            return Extra.get(key, consistent_read=consistent)
    except DoesNotExist:
        pass
    raise NotFound(f"Extra {str(code)[:40]} does not exist.", code="EXTRA_NOT_FOUND")


def extras_get(codes: list[str]) -> dict[str, Extra]:
    """The extras among `codes` that exist (consistent reads), by code."""
    found = {}
    for code in dict.fromkeys(codes):
        try:
            found[code] = Extra.get(code, consistent_read=True)
        except DoesNotExist:
            continue
    return found


def _audit(tx, *, action, code, before, after, actor, now, request_id) -> None:
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


def extra_create(*, data: dict, actor: str, now: datetime, request_id: str | None = None) -> Extra:
    """Add an extra to the catalog. Raises ValidationFailed, Conflict (EXTRA_EXISTS)."""
    cleaned = extra_validate(data=data, creating=True)
    extra = Extra(**{**DEFAULTS, **cleaned}, revision=1, lastUpdated=now)

    def build(tx):
        tx.save(extra, condition=Extra.code.does_not_exist())
        _audit(
            tx,
            action="create",
            code=extra.code,
            before=None,
            after=extra_snapshot(extra),
            actor=actor,
            now=now,
            request_id=request_id,
        )

    exists = Conflict(
        f"Extra {extra.code} already exists.",
        code="EXTRA_EXISTS",
        details={"fields": {"code": ["An extra with this code already exists."]}},
    )
    commit(build, refused=exists)
    return extra


def _stale(code: str, seen: int) -> StaleObject:
    return StaleObject(
        f"Extra {code} was changed by someone else since you loaded it (you had revision "
        f"{seen}). Reload it and try again."
    )


def extra_update(
    *,
    code: str,
    data: dict,
    actor: str,
    now: datetime,
    replace: bool = False,
    expected_revision: int | None = None,
    request_id: str | None = None,
) -> Extra:
    """Change the fields in `data` (`replace`: a PUT, what it leaves out back to DEFAULTS),
    conditional on the revision read. Raises NotFound, ValidationFailed, StaleObject."""
    extra = extra_get(code)
    code, seen = extra.code, extra.revision or 0
    if "code" in data and str(data["code"]).strip().upper() != code:
        raise ValidationFailed(details={"fields": {"code": ["An extra cannot be renamed."]}})
    if expected_revision is not None and expected_revision != seen:
        raise _stale(code, expected_revision)
    data = {k: v for k, v in data.items() if k != "code"}
    if replace:
        missing = [n for n in ("name", "price") if n not in data]
        if missing:
            raise ValidationFailed(
                details={"fields": {n: ["This field is required."] for n in missing}}
            )
        data = {**DEFAULTS, **data}
    cleaned = extra_validate(data=data, creating=False, current=extra)
    before = extra_snapshot(extra)
    if all(before[name] == value for name, value in cleaned.items()):
        return extra
    for name, value in cleaned.items():
        setattr(extra, name, value)
    extra.revision, extra.lastUpdated = seen + 1, now
    after = extra_snapshot(extra)

    def build(tx):
        tx.save(extra, condition=Extra.revision == seen)
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
    return extra


def extra_delete(
    *,
    code: str,
    actor: str,
    now: datetime,
    expected_revision: int | None = None,
    request_id: str | None = None,
) -> None:
    """Remove an extra from the catalog (bookings keep their copies of what they bought;
    its stock counters stay, keyed by code). Raises NotFound, StaleObject."""
    extra = extra_get(code)
    code, seen = extra.code, extra.revision or 0
    if expected_revision is not None and expected_revision != seen:
        raise _stale(code, expected_revision)
    before = extra_snapshot(extra)

    def build(tx):
        tx.delete(Extra(code=code), condition=Extra.revision == seen)
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

    commit(build, refused=lambda: _stale(code, seen))
