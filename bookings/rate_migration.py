"""migrate_rates: bring data from before rate plans under them (idempotent).

1. The default plan FLEX is stored (as rate_reads.default_plan_item describes it: every room
   type, the type's price, the hotel's cancellation policy, prepay) unless it already is.
2. Every booking without a terms snapshot gets the one it was sold under: FLEX, adults =
   its guests, no children, no promo, no city tax, all due at booking, the hotel's
   cancellation policy as it is at migration time, and lines from its stored price. Its
   price is not touched. Each write is conditional on the booking not having terms yet, so
   a booking changed meanwhile or migrated by a parallel run is left as it is.
3. Rate rules stay what they are: the seasonal adjustments of the calendar. A night
   without a calendar price for FLEX is priced as before, from the type's base price and
   the matching rule; their minimum and maximum stays are "through" restrictions. The
   report counts them; nothing is rewritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pynamodb.exceptions import PutError, UpdateError

from hotel.stamps import stamp_bump
from rooms.room_types import CATALOG, PRICING

from .booking_terms import booking_terms_snapshot
from .models import Booking, RatePlan, RateRule
from .rate_reads import DEFAULT_PLAN, default_plan_item


@dataclass
class RateMigration:
    default_plan_stored: bool = False
    bookings_migrated: int = 0
    bookings_already: int = 0
    bookings_skipped: list[str] = field(default_factory=list)
    seasonal_rules: int = 0


def rates_migrate(*, now: datetime, log: Callable[[str], None] = lambda _: None) -> RateMigration:
    report = RateMigration()
    flex = default_plan_item()
    flex.lastUpdated = now
    flex.revision = 1
    try:
        flex.save(condition=RatePlan.ratePlan.does_not_exist())
        report.default_plan_stored = True
        stamp_bump(CATALOG)
        stamp_bump(PRICING)
    except PutError:
        pass  # already stored (maybe edited): left as it is
    log(f"Default plan {DEFAULT_PLAN}: {'stored' if report.default_plan_stored else 'present'}")
    for booking in Booking.scan():
        if booking.terms:
            report.bookings_already += 1
            continue
        terms = booking_terms_snapshot(booking)
        try:
            booking.update(
                actions=[
                    Booking.terms.set(terms),
                    Booking.ratePlan.set(DEFAULT_PLAN),
                    Booking.adults.set(booking.guests),
                    Booking.childrenAges.set([]),
                    Booking.discount.set(0),
                    Booking.cityTax.set(0),
                    Booking.dueNow.set(booking.totalPrice),
                ],
                condition=Booking.terms.does_not_exist()
                & (Booking.totalPrice == booking.totalPrice),
            )
            report.bookings_migrated += 1
        except UpdateError:
            report.bookings_skipped.append(booking.bookingId)
    report.seasonal_rules = sum(1 for r in RateRule.scan() if r.active)
    log(
        f"Bookings: {report.bookings_migrated} given their terms, {report.bookings_already} "
        f"had them, {len(report.bookings_skipped)} changed meanwhile (run again)"
    )
    log(f"Seasonal adjustments (rate rules) in force: {report.seasonal_rules}")
    return report
