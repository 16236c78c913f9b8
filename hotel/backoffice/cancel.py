"""The admin's Cancel: a confirmation page with each booking's refund, then the one cancel.

The booking page's Cancel button and the list's bulk Cancel both come here (BookingAdmin.cancel,
hotel.backoffice.bookings). The first POST only shows what the cancellation policy refunds
and the payment(s) the money goes back to; nothing changes until the clerk confirms
(`post=yes`), and then each booking goes through payments.services.cancel.booking_cancel_with_refund
(refund at the provider, audit, the guest's email). On a single booking, a manager or an
accountant (payments.services.cancel.OVERRIDE_PERMISSION) may refund another amount, 0 to what was
paid, with a reason; everyone else cancels at the policy's amount (a forged amount is 403).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote as url_quote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from bookings.booking_terms import booking_policy
from bookings.lifecycle import can_cancel
from bookings.models import Booking
from hotel.dynamo_admin import who
from hotel.dynamo_admin.forms import MoneyField
from hotel.errors import DomainError, ValidationFailed
from hotel.templatetags.money import format_money
from payments.cancellation import describe_rule
from payments.services import (
    MAX_REASON,
    REFUND_FAILED,
    REFUNDED_NOW,
    booking_cancel_with_refund,
    booking_cancellation_preview,
    may_override_refund,
)

TEMPLATE = "admin/bookings/booking/cancel_confirmation.html"
OVERRIDE_FIELDS = ("refund_amount", "reason")
# The service's field names -> this form's.
SERVICE_FIELDS = {"refundAmount": "refund_amount", "reason": "reason"}


class RefundOverrideForm(forms.Form):
    """Another refund than the policy's, for managers and accountants. The rules (at most
    what was paid, a reason) are the service's; this form only parses."""

    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Needed when the refund differs from the policy; kept in the audit log.",
    )

    def __init__(self, *args, currency: str, paid: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "refund_amount": MoneyField(
                currency=currency,
                label="Refund instead",
                required=False,
                min_value=0,
                help_text=f"Blank: the policy's amount. From 0 to {format_money(paid, currency)}.",
            ),
            "reason": self.fields["reason"],
        }


def cancel_bookings(modeladmin, request, bookings: list[Booking]):
    """BookingAdmin's Cancel action: the confirmation page, or (post=yes) the cancels."""
    single = len(bookings) == 1
    override_sent = any(request.POST.get(name, "").strip() for name in OVERRIDE_FIELDS)
    if override_sent and not may_override_refund(request.user):
        raise PermissionDenied  # the front desk cancels at the policy's amount only
    if request.POST.get("post") != "yes":
        return _confirmation(modeladmin, request, bookings)
    form = None
    if override_sent:
        if not single:
            modeladmin.message_user(
                request,
                "Nothing was cancelled: choose another refund for one booking at a time.",
                messages.ERROR,
            )
            return None
        booking = bookings[0]
        preview = booking_cancellation_preview(booking=booking, now=timezone.now())
        form = RefundOverrideForm(request.POST, currency=booking.currency, paid=preview.quote.paid)
        if not form.is_valid():
            return _confirmation(modeladmin, request, bookings, form=form)
    amount = form.cleaned_data.get("refund_amount") if form is not None else None
    reason = form.cleaned_data.get("reason") if form is not None else None
    done, failed = [], []
    for booking in bookings:
        changed = _quote_changed(request, booking)
        if changed and amount is None:
            failed.append(f"{booking.bookingId}: {changed}")
            continue
        try:
            cancellation = booking_cancel_with_refund(
                booking_id=booking.bookingId,
                refund_amount=amount,
                reason=reason,
                **who(request),
            )
        except ValidationFailed as exc:
            if form is None:
                failed.append(f"{booking.bookingId}: {exc.message}")
                continue
            for name, errors in (exc.details or {}).get("fields", {}).items():
                for error in errors:
                    form.add_error(SERVICE_FIELDS.get(name), error)
            return _confirmation(modeladmin, request, bookings, form=form)
        except DomainError as exc:
            failed.append(f"{booking.bookingId}: {exc.message}")
        else:
            done.append(_outcome(cancellation))
    for text, level in done:
        modeladmin.message_user(request, text, level)
    if failed:
        modeladmin.message_user(request, "Not cancelled: " + " ".join(failed), messages.ERROR)
    return None


def _quote_changed(request, booking: Booking) -> str | None:
    """Why the policy's refund is no longer the one the clerk confirmed, if it changed."""
    shown = request.POST.get(f"quoted-{booking.bookingId}")
    if shown is None:
        return "open the confirmation page first."
    preview = booking_cancellation_preview(booking=booking, now=timezone.now())
    if shown != str(preview.quote.refund):
        return (
            "the refund is now "
            f"{format_money(preview.quote.refund, booking.currency)}; review it and confirm again."
        )
    return None


def _outcome(cancellation) -> tuple[str, int]:
    booking, money = cancellation.booking, format_money(cancellation.refund, cancellation.currency)
    chosen = " (chosen by staff instead of the policy's)" if cancellation.overridden else ""
    if cancellation.refund_status == REFUNDED_NOW:
        return f"Cancelled {booking.bookingId}: refunded {money}{chosen}.", messages.SUCCESS
    if cancellation.refund_status == REFUND_FAILED:
        return (
            f"Cancelled {booking.bookingId}, but the refund of {money} failed at the payment "
            "provider: refund it from the payment's page.",
            messages.ERROR,
        )
    return f"Cancelled {booking.bookingId}: nothing to refund.", messages.SUCCESS


def _confirmation(modeladmin, request, bookings: list[Booking], *, form=None):
    now = timezone.now()
    linked = request.user.has_perm("payments.view_payment")
    rows = []
    for booking in bookings:
        cancellable = can_cancel(booking)
        preview = booking_cancellation_preview(booking=booking, now=now)
        quote, currency = preview.quote, booking.currency
        if quote.paid == 0:
            rule = "Nothing has been paid."
        elif quote.rule is None:
            rule = "No refund: the cancellation comes after the policy's last deadline."
        else:
            rule = describe_rule(quote.rule, booking_policy(booking))
        rows.append(
            {
                "booking": booking,
                "cancellable": cancellable,
                "status": booking.status.replace("-", " "),
                "stay": f"{modeladmin.format_attribute(booking, 'checkIn')} → "
                f"{modeladmin.format_attribute(booking, 'checkOut')}, "
                f"room {modeladmin.format_attribute(booking, 'roomId')}",
                "paid": format_money(quote.paid, currency),
                "paid_minor": quote.paid,
                "refund": format_money(quote.refund, currency),
                "refund_minor": quote.refund,
                "fee": format_money(quote.fee, currency),
                "rule": rule,
                "url": modeladmin.object_url(booking.bookingId),
                "parts": [
                    {
                        "transaction_id": part.transaction_id,
                        "brand": part.brand or "-",
                        "amount": format_money(part.amount, currency),
                        "url": reverse(
                            "admin:payments_payment_change", args=(url_quote(part.transaction_id),)
                        )
                        if linked
                        else None,
                    }
                    for part in preview.parts
                ],
            }
        )
    may_override = (
        len(bookings) == 1 and rows[0]["cancellable"] and may_override_refund(request.user)
    )
    if may_override and form is None:
        form = RefundOverrideForm(currency=bookings[0].currency, paid=rows[0]["paid_minor"])
    context = modeladmin.base_context(
        request,
        title="Cancel booking" if len(bookings) == 1 else f"Cancel {len(bookings)} bookings",
        subtitle=None,
        rows=rows,
        any_cancellable=any(row["cancellable"] for row in rows),
        override_form=form if may_override else None,
        form_url=request.get_full_path(),
        back_url=modeladmin.object_url(bookings[0].bookingId)
        if len(bookings) == 1
        else modeladmin.changelist_url(),
    )
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, TEMPLATE, context)
