"""The results page's combinations: rooms of several types for a party no single room
holds (bookings.availability.party_combinations), as cards with a "Book these" form."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bookings import availability
from bookings.catalog_words import plan_name
from hotel.languages import translated

from .cart_state import combination_value
from .offer_terms import party_text


def combination_title(combo) -> str:
    """ "2 × Deluxe" or "1 × Family + 1 × Double"."""
    return " + ".join(
        f"{n} × {translated(kind, 'name') or kind.roomType}" for kind, n in combo.counts
    )


def combination_cards(guests, data: dict, promo, now, stock=None) -> list[dict]:
    """The best few combinations for the search's party and dates, each with its rooms
    (type, who sleeps there, plan, price), its total and what the "Book these" form sends."""
    found = availability.party_combinations(
        check_in=data["check_in"],
        check_out=data["check_out"],
        now=now,
        guests=guests,
        promo=promo,
        channel="web",
        data=stock,
    )
    cards = []
    for combo in found:
        currency = combo.rooms[0].price.currency
        cards.append(
            {
                "title": combination_title(combo),
                "for": _("for %(party)s")
                % {"party": party_text(guests.adults, guests.children_ages)},
                "rooms": [
                    {
                        "name": translated(room.kind, "name") or room.code,
                        "party": party_text(room.guests.adults, room.guests.children_ages),
                        "plan": plan_name(room.price.plan.code, room.price.plan.name),
                        "total": room.price.total,
                        "value": combination_value(room),
                    }
                    for room in combo.rooms
                ],
                "total": combo.total,
                "currency": currency,
                "nights": combo.rooms[0].price.nights,
            }
        )
    return cards
