"""CSV exports for the back office: bookings, payments and daily occupancy of a date range.

Rows are generated lazily and streamed; every read is an index Query (bookings by status
and arrival date, payments by status and creation time, counters by month), never a Scan.
Text cells that a spreadsheet would run as a formula (= + - @, tab, carriage return) are
prefixed with a quote (OWASP's CSV-injection advice), except plain numbers and phone
numbers (digits, spaces, brackets, dots, hyphens and one leading sign: "+91 98765 43210"),
which cannot call a function. Counts are integers; money is a decimal in major units
(5040.00) next to a `currency` column.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings

from bookings.models import STATUSES, Booking
from bookings.stats import daily_stats, period_figures
from hotel.templatetags.money import money_major
from payments.models import STATUSES as PAYMENT_STATUSES
from payments.models import Payment

BOOKING_COLUMNS = (
    "bookingId",
    "status",
    "roomId",
    "roomType",
    "checkIn",
    "checkOut",
    "nights",
    "guests",
    "guestName",
    "guestEmail",
    "guestPhone",
    "source",
    "subtotal",
    "tax",
    "totalPrice",
    "currency",
    "createdAt",
    "cancelledAt",
)
PAYMENT_COLUMNS = (
    "transactionId",
    "bookingId",
    "status",
    "amount",
    "refundedAmount",
    "currency",
    "paymentMethod",
    "provider",
    "stripePaymentIntentId",
    "createdAt",
    "completedAt",
    "createdBy",
)
OCCUPANCY_COLUMNS = (
    "date",
    "rooms",
    "roomsSold",
    "occupancyPercent",
    "roomRevenue",
    "adr",
    "revpar",
    "arrivals",
    "departures",
    "bookingsMade",
    "cancellations",
    "noShows",
    "currency",
)


def _money(amount: int | None, currency: str) -> str:
    return "" if amount is None else money_major(amount, currency)


def booking_rows(*, start: date, end: date) -> Iterator[list]:
    """Bookings arriving in [start, end), every status, by status then arrival."""
    last = (end - timedelta(days=1)).isoformat()
    for status in STATUSES:
        for booking in Booking.by_status.query(
            status, range_key_condition=Booking.checkIn.between(start.isoformat(), last)
        ):
            nights = (
                date.fromisoformat(booking.checkOut) - date.fromisoformat(booking.checkIn)
            ).days
            yield [
                booking.bookingId,
                booking.status,
                booking.roomId,
                booking.roomType,
                booking.checkIn,
                booking.checkOut,
                nights,
                booking.guests,
                booking.guestName,
                booking.guestEmail,
                booking.guestPhone,
                booking.source,
                _money(booking.subtotal, booking.currency),
                _money(booking.tax, booking.currency),
                _money(booking.totalPrice, booking.currency),
                booking.currency,
                booking.createdAt,
                booking.cancelledAt,
            ]


def payment_rows(*, start: date, end: date) -> Iterator[list]:
    """Payments created in [start, end) (UTC days), every status, by status then time."""
    low = datetime.combine(start, time.min, tzinfo=UTC)
    high = datetime.combine(end, time.min, tzinfo=UTC) - timedelta(microseconds=1)
    for status in PAYMENT_STATUSES:
        for payment in Payment.by_status.query(
            status, range_key_condition=Payment.createdAt.between(low, high)
        ):
            yield [
                payment.transactionId,
                payment.bookingId,
                payment.status,
                _money(payment.amount, payment.currency),
                _money(payment.refundedAmount or 0, payment.currency),
                payment.currency,
                payment.paymentMethod,
                payment.provider,
                payment.stripePaymentIntentId,
                payment.createdAt,
                payment.completedAt,
                payment.createdBy,
            ]


def occupancy_rows(*, start: date, end: date, rooms: int) -> Iterator[list]:
    """One row per day of [start, end) from the daily counters."""
    days = daily_stats(start=start, end=end)
    currency = settings.HOTEL_CURRENCY
    for day, counters in days.items():
        figures = period_figures(
            start=day, end=day + timedelta(days=1), rooms=rooms, days={day: counters}
        )
        yield [
            day.isoformat(),
            rooms,
            figures.rooms_sold,
            f"{figures.occupancy * 100:.1f}",
            _money(figures.revenue, currency),
            _money(figures.adr, currency),
            _money(figures.revpar, currency),
            counters["arrivals"],
            counters["departures"],
            counters["bookingsMade"],
            counters["cancellations"],
            counters["noShows"],
            currency,
        ]
