"""An offer as the API shows it (OfferOutput): a room type under one rate plan, priced for
the guests asked about, with its cancellation and payment terms."""

from __future__ import annotations

from datetime import UTC

from bookings.cancellation_terms import InvalidPolicy, parse_policy
from bookings.offers import Offer

from .serializers import iso


def offer_body(offer: Offer) -> dict:
    quote, plan = offer.quote, offer.quote.plan
    try:
        rules = parse_policy(plan.cancellation)
    except InvalidPolicy:
        rules = ()
    return {
        "ratePlan": plan.code,
        "name": plan.name,
        "description": offer.plan.description or "",
        "totalPrice": quote.total,
        "subtotal": quote.subtotal,
        "discount": quote.discount,
        "taxes": quote.tax,
        "taxPercent": str(quote.tax_percent),
        "cityTax": quote.city_tax,
        "currency": quote.currency,
        "nightly": quote.nightly_dicts(),
        "included": [line for line in quote.lines if line["kind"] == "included"],
        "promoCode": quote.promo.code if quote.promo and quote.discount else None,
        "cancellation": {
            "freeUntil": iso(offer.free_until.astimezone(UTC)) if offer.free_until else None,
            "rules": [
                {"daysBefore": r.days_before, "refundPercent": r.refund_percent} for r in rules
            ],
            "noShowPercent": plan.no_show_percent,
        },
        "payment": {
            "terms": plan.payment,
            "dueNow": quote.due_now,
            "dueAtHotel": quote.total - quote.due_now,
            "depositPercent": plan.deposit_percent,
        },
        "lines": [dict(line) for line in quote.lines],
    }
