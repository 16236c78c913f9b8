"""Find and manage a booking: the lookup by reference + email, the booking's page, and the
guest's own cancel and change of dates.

Thin edges: each view parses a form, calls one service or selector and renders. What the
guest may still do comes from bookings.lifecycle.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings import services
from bookings.booking_terms import booking_policy
from bookings.exceptions import BookingNotFound, LookupLocked
from bookings.lifecycle import can_cancel, can_change, can_pay, hold_has_lapsed, status_label
from bookings.links import manage_path
from bookings.models import PENDING
from bookings.policy_words import booking_terms
from hotel.errors import DomainError
from hotel.templatetags.money import format_money
from payments.cancellation import describe_rule
from payments.models import GUEST_STATUS_LABELS
from payments.selectors import (
    booking_cancellation_quote,
    booking_change_quote,
    payment_summary,
    payments_for_booking,
)
from payments.services import booking_cancel_with_refund, booking_change_by_guest

from .balance import balance_context
from .checkin import manage_check_in_context
from .common import GUEST, guest_booking, stay_context
from .extras import manage_extras_context
from .forms import ChangeDatesForm, LookupForm, add_domain_errors
from .refusals import refusal_text


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    """Reference + email, both must match; failures are throttled (booking_lookup)."""
    form = LookupForm(request.POST or None)
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_lookup(
                reference=form.cleaned_data["reference"],
                email=form.cleaned_data["email"],
                client=_client(request),
                now=timezone.now(),
            )
        except LookupLocked as exc:
            retry_after = exc.details.get("retryAfterSeconds", 60)
            minutes = max(1, (retry_after + 59) // 60)
            form.add_error(
                None,
                _("Too many attempts. Please try again in %(minutes)s minutes.")
                % {"minutes": minutes},
            )
            status = 429
        except BookingNotFound:
            form.add_error(
                None, _("We could not find a booking with that reference and email address.")
            )
        else:
            return redirect(manage_path(booking_id=booking.bookingId))
    response = render(request, "site/lookup.html", {"form": form}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
def manage(request, token: str):
    booking = guest_booking(token)
    now = timezone.now()
    payments = payments_for_booking(booking_id=booking.bookingId)
    return render(
        request,
        "site/manage.html",
        {
            **stay_context(booking),
            "token": token,
            "payments": payments,
            "payment_rows": [(p, GUEST_STATUS_LABELS.get(p.status, p.status)) for p in payments],
            "summary": payment_summary(payments, currency=booking.currency, booking=booking),
            "status_label": status_label(booking.status, guest=True),
            "terms": booking_terms(booking, now=now),
            "can_pay": can_pay(booking, now),
            "can_cancel": can_cancel(booking),
            "can_change": can_change(booking, now),
            "hold_expired": hold_has_lapsed(booking, now),
            **balance_context(booking, token),
            **manage_extras_context(booking, now),
            **manage_check_in_context(booking, now),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token: str):
    """The refund the policy gives, then (POST) booking_cancel_with_refund."""
    booking = guest_booking(token)
    manage_url = reverse("booking-manage", kwargs={"token": token})
    if not can_cancel(booking):
        messages.info(request, _("This booking can no longer be cancelled."))
        return redirect(manage_url)
    now = timezone.now()
    if request.method == "POST":
        try:
            cancellation = booking_cancel_with_refund(
                booking_id=booking.bookingId,
                actor=GUEST,
                now=now,
                request_id=getattr(request, "request_id", None),
            )
        except DomainError as exc:
            messages.error(request, refusal_text(exc))
            return redirect(manage_url)
        if cancellation.refund_status == "refunded":
            text = _("Your booking is cancelled. We are refunding %(amount)s to your card.") % {
                "amount": format_money(cancellation.refund, cancellation.currency)
            }
        elif cancellation.refund_status == "failed":
            text = _(
                "Your booking is cancelled. The refund of %(amount)s could not be made "
                "automatically; our staff will issue it shortly."
            ) % {"amount": format_money(cancellation.refund, cancellation.currency)}
        else:
            text = _("Your booking is cancelled.")
        messages.success(request, text)
        return redirect(manage_url)
    quote = booking_cancellation_quote(booking=booking, now=now)
    policy = booking_policy(booking)
    return render(
        request,
        "site/cancel.html",
        {
            **stay_context(booking),
            "token": token,
            "quote": quote,
            "rule": describe_rule(quote.rule, policy) if quote.rule else None,
            "policy": booking_terms(booking, now=now),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def change(request, token: str):
    """New dates: the new price first (GET with dates), then (POST) booking_change_by_guest."""
    booking = guest_booking(token)
    manage_url = reverse("booking-manage", kwargs={"token": token})
    now = timezone.now()
    if not can_change(booking, now):
        messages.info(request, _("The dates of this booking can no longer be changed online."))
        return redirect(manage_url)
    preview = None
    if request.method == "POST":
        form = ChangeDatesForm(request.POST, now=now)
        if form.is_valid():
            try:
                booking_change_by_guest(
                    booking_id=booking.bookingId,
                    check_in=form.cleaned_data["check_in"],
                    check_out=form.cleaned_data["check_out"],
                    actor=GUEST,
                    now=now,
                    request_id=getattr(request, "request_id", None),
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Your dates are changed."))
                if booking.status == PENDING:
                    return redirect(reverse("booking-pay", kwargs={"token": token}))
                return redirect(manage_url)
    elif "check_in" in request.GET:
        form = ChangeDatesForm(request.GET, now=now)
        if form.is_valid():
            try:
                preview = booking_change_quote(
                    booking=booking,
                    check_in=form.cleaned_data["check_in"],
                    check_out=form.cleaned_data["check_out"],
                    now=now,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
    else:
        form = ChangeDatesForm(
            initial={"check_in": booking.checkIn, "check_out": booking.checkOut}, now=now
        )
    return render(
        request,
        "site/change.html",
        {
            **stay_context(booking),
            "token": token,
            "form": form,
            "preview": preview,
            "new_nights": [
                {"date": n.night, "amount": n.amount}
                for n in (preview.quote.nightly if preview else ())
            ],
        },
    )
