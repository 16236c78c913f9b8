"""A rate plan's terms in the guest's words: the cancellation deadline as a date, the payment
terms, what is included, who stays, and a quote's lines for the booking page.

Words only: the rules are bookings' (bookings.cancellation_terms.free_until is the moment
free cancellation ends, the same one the offers and the API give). Dates are the hotel's
(settings.TIME_ZONE) and written with Django's date formats (hotel/formats).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.cancellation_terms import InvalidPolicy, free_until, parse_policy
from bookings.catalog_words import plan_name
from bookings.clock import hotel_today
from bookings.rate_reads import hotel_policy
from bookings.rate_terms import AT_HOTEL, DEPOSIT, PlanTerms


def _last_minute(day: date) -> str:
    """`day` at 23:59 as the site writes a moment ("Fri 26 Feb 2027, 23:59")."""
    return date_format(datetime.combine(day, time(23, 59)), "DATETIME_FORMAT")


def deadline_day(moment: datetime) -> date:
    """The last day of free cancellation: the day before `moment` (its exclusive end), in
    the hotel's zone."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date() - timedelta(days=1)


def cancellation_text(policy: str, *, check_in: date, now: datetime) -> str:
    """The stay's cancellation terms as one sentence, seen at `now`: "Free cancellation
    until Fri 26 Feb 2027, 23:59", "Non-refundable", or the refund still to be had."""
    try:
        rules = parse_policy(policy or "")
    except InvalidPolicy:
        return _("Cancellation by the hotel's terms")
    moment = free_until(check_in, rules, settings.TIME_ZONE)
    if moment is not None and moment > now:
        return _("Free cancellation until %(when)s") % {"when": _last_minute(deadline_day(moment))}
    ahead = (check_in - hotel_today(now)).days
    rule = next((r for r in rules if ahead >= r.days_before), None)  # longest notice first
    if rule is None or rule.refund_percent == 0:
        return _("Non-refundable")
    return _("%(percent)s %% refunded if cancelled by %(when)s") % {
        "percent": rule.refund_percent,
        "when": _last_minute(check_in - timedelta(days=rule.days_before)),
    }


def payment_text(plan: PlanTerms) -> str:
    if plan.payment == AT_HOTEL:
        return _("Pay at the hotel")
    if plan.payment == DEPOSIT:
        return _("Pay %(percent)s %% now, the rest at the hotel") % {
            "percent": plan.deposit_percent or 0
        }
    return _("Pay now")


def included_text(plan: PlanTerms) -> list[str]:
    return [_("%(name)s included") % {"name": item.name} for item in plan.included]


def party_text(adults: int, children_ages: Sequence[int]) -> str:
    """ "2 adults, 1 child"."""
    text = ngettext("%(n)d adult", "%(n)d adults", adults) % {"n": adults}
    if children_ages:
        count = len(children_ages)
        text += ", " + ngettext("%(n)d child", "%(n)d children", count) % {"n": count}
    return text


def quote_lines(quote) -> list[dict]:
    """The quote's lines as the booking page lists them: the room under its plan, the promo,
    taxes, city tax, and the included extras at their value (charged nothing)."""
    lines = []
    for line in quote.lines:
        kind = line["kind"]
        if kind == "room":
            label = ngettext("%(plan)s, %(n)d night", "%(plan)s, %(n)d nights", quote.nights) % {
                "plan": plan_name(quote.plan.code, quote.plan.name),
                "n": quote.nights,
            }
        elif kind == "discount":
            label = _("Promo code %(code)s") % {"code": quote.promo.code}
        elif kind == "tax":
            label = _("Taxes (%(p)s %%)") % {"p": quote.tax_percent}
        elif kind == "cityTax":
            label = _("City tax")
        elif kind == "included":
            label = f"{line['label']} × {line['quantity']}"
            lines.append({"kind": kind, "label": label, "amount": line["value"], "included": True})
            continue
        else:
            label = line.get("label", kind)
        lines.append({"kind": kind, "label": label, "amount": line["amount"], "included": False})
    return lines


def booking_plan(booking, now: datetime) -> dict:
    """The plan a booking was sold under and its cancellation terms, from its snapshot
    (bookings made before rate plans: Flexible, the hotel's policy); its name in the page's
    language where staff translated the plan (the snapshot keeps the default language's)."""
    terms = booking.terms or {}
    name = plan_name(booking.ratePlan, terms.get("name") or booking.ratePlan or _("Flexible"))
    policy = terms.get("cancellation") or hotel_policy()
    check_in = date.fromisoformat(booking.checkIn)
    cancellation = cancellation_text(policy, check_in=check_in, now=now)
    return {
        "code": booking.ratePlan or "FLEX",
        "name": name,
        "cancellation": "" if cancellation.casefold() == name.casefold() else cancellation,
    }
