"""A stay's terms in the guest's words and with dates: until when it cancels for free, what a
later cancellation gives back and from which day, what is charged when, and what not
arriving costs. Shown with every quote (the booking page), on the confirmation and manage
pages, and in the hold and confirmation emails, in the guest's language.

The dates come from the same rules the refund is computed by (payments.cancellation: days
from the hotel's today to check-in); a day ends at 23:59 in the hotel's zone
(settings.TIME_ZONE), which the sentences name.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hotel.templatetags.money import format_money

from .booking_terms import (
    booking_due_now,
    booking_no_show_percent,
    booking_payment_terms,
    booking_policy_text,
)
from .cancellation_terms import InvalidPolicy, parse_policy, policy_windows
from .clock import hotel_today
from .rate_terms import AT_HOTEL, DEPOSIT, percent_of


def _day_end(day: date) -> str:
    """`day` at 23:59, the hotel's time, as the language writes a moment."""
    moment = datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return _("%(moment)s (%(zone)s)") % {
        "moment": date_format(moment, "DATETIME_FORMAT"),
        "zone": moment.tzname(),
    }


def _day(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def cancellation_lines(policy: str, *, check_in: date, now: datetime) -> list[str]:
    """The cancellation policy for this stay as dated sentences, from `now` on (windows
    already over are left out): "Free cancellation until Fri 20 Nov 2026, 23:59 (IST).",
    "Cancelled from … until …: 50 % of what you paid is refunded.", "From …: no refund."."""
    try:
        rules = parse_policy(policy or "")
    except InvalidPolicy:
        return [_("Cancellation by the hotel's terms.")]
    today = hotel_today(now)
    lines = []
    for window in policy_windows(check_in, rules):
        if window.last is not None and window.last < today:
            continue  # over
        started = window.first is None or window.first <= today
        percent = window.refund_percent
        if window.last is None:
            if started:
                lines.append(_("No refund if cancelled now."))
            else:
                lines.append(_("From %(day)s: no refund.") % {"day": _day(window.first)})
        elif percent == 100:
            lines.append(_("Free cancellation until %(when)s.") % {"when": _day_end(window.last)})
        elif percent == 0 and started:
            lines.append(
                _("No refund if cancelled until %(when)s.") % {"when": _day_end(window.last)}
            )
        elif percent == 0:
            lines.append(
                _("Cancelled from %(day)s until %(when)s: no refund.")
                % {"day": _day(window.first), "when": _day_end(window.last)}
            )
        elif started:
            lines.append(
                _("Cancelled until %(when)s: %(percent)s %% of what you paid is refunded.")
                % {"when": _day_end(window.last), "percent": percent}
            )
        else:
            lines.append(
                _(
                    "Cancelled from %(day)s until %(when)s: %(percent)s %% of what you paid is "
                    "refunded."
                )
                % {"day": _day(window.first), "when": _day_end(window.last), "percent": percent}
            )
    return lines


def charge_lines(*, payment: str, total: int, due_now: int, currency: str) -> list[str]:
    """What is charged when: at booking, at the hotel."""
    money = {
        "now": format_money(due_now, currency),
        "rest": format_money(total - due_now, currency),
    }
    if payment == AT_HOTEL or due_now == 0:
        return [_("Nothing is charged now: you pay %(rest)s at the hotel.") % money]
    if payment == DEPOSIT and due_now < total:
        return [_("%(now)s is charged when you book, the rest (%(rest)s) at the hotel.") % money]
    return [_("The whole stay, %(now)s, is charged when you book.") % money]


def no_show_line(*, percent: int, total: int, currency: str) -> str:
    """What not arriving (without cancelling) costs."""
    if percent <= 0:
        return _("Not arriving without cancelling costs nothing.")
    return _(
        "Not arriving without cancelling (a no-show) costs %(fee)s, %(percent)s %% of the stay."
    ) % {
        "fee": format_money(percent_of(total, percent), currency),
        "percent": percent,
    }


def quote_terms(quote, *, now: datetime) -> list[str]:
    """The dated terms of a quote (bookings.pricing.Quote), as the booking page shows them."""
    plan = quote.plan
    return [
        *cancellation_lines(plan.cancellation, check_in=quote.check_in, now=now),
        *charge_lines(
            payment=plan.payment, total=quote.total, due_now=quote.due_now, currency=quote.currency
        ),
        no_show_line(percent=plan.no_show_percent, total=quote.total, currency=quote.currency),
    ]


def booking_terms(booking, *, now: datetime) -> list[str]:
    """The dated terms of a booking, from its snapshot (bookings.booking_terms)."""
    check_in = date.fromisoformat(booking.checkIn)
    return [
        *cancellation_lines(booking_policy_text(booking), check_in=check_in, now=now),
        *charge_lines(
            payment=booking_payment_terms(booking),
            total=booking.totalPrice,
            due_now=booking_due_now(booking),
            currency=booking.currency,
        ),
        no_show_line(
            percent=booking_no_show_percent(booking),
            total=booking.totalPrice,
            currency=booking.currency,
        ),
    ]
