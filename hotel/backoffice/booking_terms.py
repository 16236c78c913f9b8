"""The booking page's "Terms" section: what the stay was sold under, from its snapshot —
the rate plan, who stays, the promo, the city tax, the quote's lines, the cancellation
policy, the payment terms and what was due at booking.

Bookings made before rate plans have no snapshot (`terms` None): they were sold under the
first version's terms, which are FLEX's defaults — the hotel's cancellation policy, prepay.
"""

from __future__ import annotations

from bookings.booking_terms import booking_due_now, booking_terms_snapshot
from bookings.models import Booking
from bookings.rate_reads import DEFAULT_PLAN, hotel_policy
from bookings.rate_terms import AT_HOTEL, DEPOSIT, PREPAY
from hotel.templatetags.money import format_money
from payments.cancellation import policy_sentences

DEFAULT_PLAN_NAME = "Flexible"
LINE_KINDS = {
    "room": "Room",
    "discount": "Discount",
    "tax": "Tax",
    "cityTax": "City tax",
    "included": "Included",
}


def payment_terms_label(terms: dict) -> str:
    payment = terms.get("payment") or PREPAY
    if payment == DEPOSIT:
        return f"Deposit {terms.get('depositPercent') or 0} % at booking, the rest at check-in"
    if payment == AT_HOTEL:
        return "Pay at the hotel (card kept as a guarantee)"
    return "Prepay: the full price at booking"


def _lines(booking: Booking, terms: dict) -> list[dict]:
    money = lambda amount: format_money(amount or 0, booking.currency)  # noqa: E731
    shown = []
    for line in terms.get("lines") or ():
        entry = {
            "kind": LINE_KINDS.get(line.get("kind"), line.get("kind") or ""),
            "label": line.get("label") or "",
            "amount": money(line.get("amount")),
            "note": "",
        }
        if line.get("kind") == "included":
            entry["note"] = f"× {line.get('quantity', 0)}, worth {money(line.get('value'))}"
        shown.append(entry)
    return shown


def booking_terms_context(booking: Booking) -> dict:
    """The template's `terms` for one booking (snapshot or first-version defaults)."""
    snapshot = bool(booking.terms)
    terms = booking_terms_snapshot(booking)
    code = booking.ratePlan or terms.get("ratePlan") or DEFAULT_PLAN
    name = terms.get("name") or (DEFAULT_PLAN_NAME if code == DEFAULT_PLAN else code)
    adults = booking.adults if booking.adults is not None else booking.guests
    ages = [int(a) for a in booking.childrenAges or ()]
    policy = terms.get("cancellation") or hotel_policy()
    due_now = booking_due_now(booking)
    promo = terms.get("promo") or {}
    return {
        "snapshot": snapshot,
        "plan": f"{name} ({code})",
        "adults": adults,
        "children": ", ".join(str(a) for a in ages) if ages else "None",
        "promo": booking.promoCode or promo.get("code") or "None",
        "discount": format_money(booking.discount or 0, booking.currency),
        "city_tax": format_money(booking.cityTax or 0, booking.currency),
        "lines": _lines(booking, terms),
        "total": format_money(booking.totalPrice, booking.currency),
        "policy": policy_sentences(policy),
        "no_show": f"{terms.get('noShowPercent', 100)} % of the stay",
        "payment": payment_terms_label(terms),
        "due_now": format_money(due_now or 0, booking.currency),
    }
