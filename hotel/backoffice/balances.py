"""What the dashboard's arrivals still owe at check-in and its departures' balances, read
from their bills.

One BatchGet of the bills' headers (table `folios`) for all the listed bookings — the header
holds the running balance, so no line is read. A booking whose bill was never opened (the
sync after its confirm failed, or it was confirmed before bills existed) is computed from the
booking instead — its price plus the extras it booked, less what was paid online (one Query
of its payments) — rather than opening the bill from a GET: the next posting, check-in or
night audit opens it.
"""

from __future__ import annotations

from bookings.booking_terms import booking_balance_due, booking_payment_terms
from bookings.models import Booking
from bookings.rate_terms import AT_HOTEL, DEPOSIT
from hotel.templatetags.money import format_money
from payments.folio.selectors import folio_headers
from payments.selectors import booking_amount_paid

TERMS_NOTE = {DEPOSIT: "deposit paid", AT_HOTEL: "card guarantee"}


def folio_balances(booking_ids: list[str]) -> dict[str, int]:
    """{bookingId: balance} for the bookings whose bill is open (> 0: the guest owes), in
    one BatchGet; bookings without a bill are left out."""
    return {booking_id: h.balance for booking_id, h in folio_headers(booking_ids).items()}


def arrival_balances(bookings: list[Booking]) -> dict[str, str]:
    """{bookingId: "₹1,234.00 (deposit paid)"} for arrivals that owe money at check-in."""
    balances = folio_balances([b.bookingId for b in bookings])
    labels = {}
    for booking in bookings:
        due = balances.get(booking.bookingId)
        if due is None:  # never opened: the stay and its extras less what was paid online
            paid = booking_amount_paid(booking_id=booking.bookingId)
            due = booking_balance_due(booking, paid=paid)
        if due <= 0:
            continue
        note = TERMS_NOTE.get(booking_payment_terms(booking))
        money = format_money(due, booking.currency)
        labels[booking.bookingId] = f"{money} ({note})" if note else money
    return labels


def departure_balances(bookings: list[Booking]) -> dict[str, str]:
    """bookingId → the bill's balance, formatted ("" when there is no bill yet)."""
    return {
        booking_id: format_money(header.balance, header.currency)
        for booking_id, header in folio_headers(b.bookingId for b in bookings).items()
    }
