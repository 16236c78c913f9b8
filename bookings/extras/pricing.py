"""What an extra costs and what a booking carries for it — pure, no database.

`quantity` is what the guest asks for, read by unit:
- per_stay: how many (a late check-out: 1), charged once;
- per_night: how many each night (2 parking spaces), charged for every night;
- per_person_per_night: how many of the party take it (breakfast for 2 of 3; default: the
  whole party), charged for every night;
- per_item: how many (3 shuttle seats), charged once.
The bill's line is the extra's price times the units billed (`billed_units`); the price
includes its tax, whose category the line carries.

Stock (an extra with a daily stock) is counted per date: the nightly units take `quantity`
on every night of the stay, the others `quantity` on the arrival date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from ..rate_terms import AT_HOTEL, DEPOSIT, percent_of
from .models import NIGHTLY_UNITS, PER_PERSON_PER_NIGHT

MAX_QUANTITY = 20


@dataclass(frozen=True)
class ExtraTerms:
    """The catalog fields pricing needs (an Extra item has them all)."""

    code: str
    name: str
    price: int
    unit: str
    taxCategory: str = "standard"
    dailyStock: int | None = None


def default_quantity(extra, persons: int) -> int:
    return max(persons, 1) if extra.unit == PER_PERSON_PER_NIGHT else 1


def billed_units(extra, nights: int, quantity: int) -> int:
    """How many times the extra's price is charged for `quantity` over `nights` nights."""
    return quantity * max(nights, 1) if extra.unit in NIGHTLY_UNITS else quantity


def extra_price(extra, nights: int, persons: int, quantity: int | None = None) -> int:
    """The price (minor units, tax included) of `quantity` of `extra` (default: 1, or the
    whole party for a per-person extra) for a stay of `nights` nights and `persons` guests."""
    if quantity is None:
        quantity = default_quantity(extra, persons)
    return int(extra.price) * billed_units(extra, nights, quantity)


def quantity_problem(extra, *, quantity: int, persons: int) -> str | None:
    """Why `quantity` of `extra` cannot be sold to this party, or None."""
    if quantity < 1:
        return _("At least 1.")
    if extra.unit == PER_PERSON_PER_NIGHT and quantity > persons:
        return _("At most %(n)s: one per guest of the booking.") % {"n": persons}
    if quantity > MAX_QUANTITY:
        return _("At most %(n)s.") % {"n": MAX_QUANTITY}
    if extra.dailyStock is not None and quantity > extra.dailyStock:
        return _("At most %(n)s a day.") % {"n": extra.dailyStock}
    return None


def stock_dates(extra, check_in: date, check_out: date) -> list[str]:
    """The dates whose stock counter `extra` takes for a stay (none without a stock)."""
    if extra.dailyStock is None:
        return []
    if extra.unit not in NIGHTLY_UNITS:
        return [check_in.isoformat()]
    days = max((check_out - check_in).days, 1)
    return [(check_in + timedelta(days=i)).isoformat() for i in range(days)]


def next_key(code: str, items: list[dict]) -> str:
    """A key no item of the booking has: CODE, then CODE#2, CODE#3 … (the bill's source)."""
    taken = {item["key"] for item in items}
    if code not in taken:
        return code
    n = 2
    while f"{code}#{n}" in taken:
        n += 1
    return f"{code}#{n}"


def booking_item(
    extra, *, key: str, quantity: int, check_in: date, check_out: date, persons: int
) -> dict:
    """What the booking stores for `quantity` of `extra` (the shape the bill reads,
    payments.folio.stay_lines): the line's unit price and units billed, and the stock
    dates it took, to be given back exactly."""
    nights = max((check_out - check_in).days, 1)
    return {
        "key": key,
        "code": extra.code,
        "name": extra.name,
        "unit": extra.unit,
        "count": quantity,
        "unitPrice": int(extra.price),
        "quantity": billed_units(extra, nights, quantity),
        "amount": extra_price(extra, nights, persons, quantity),
        "taxCategory": extra.taxCategory or "standard",
        "date": check_in.isoformat(),
        "stockDates": stock_dates(extra, check_in, check_out),
    }


def extras_total(items: list[dict]) -> int:
    return sum(int(item["unitPrice"]) * int(item["quantity"]) for item in items)


def due_now_with_extras(*, total: int, extras: int, terms: dict | None) -> int:
    """What the payment terms take at booking for a stay of `total` with `extras`: prepay
    the whole of both, a deposit its percent of both, at_hotel nothing (a booking without
    a snapshot, sold before rate plans, is prepaid)."""
    terms = terms or {}
    payment = terms.get("payment")
    if payment == AT_HOTEL:
        return 0
    if payment == DEPOSIT:
        return percent_of(total + extras, terms.get("depositPercent") or 0)
    return total + extras
