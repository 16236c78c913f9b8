"""Payments in the admin: the accountant's list, a payment's page with its booking, refunds.

Payments are never edited by hand: every field is read-only, there is no add or delete.
The one write is a refund, through payments.services.payment_refund, for users holding
`payments.refund_payment` (accountants, managers).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import ImproperlyConfigured
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from pynamodb.attributes import UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from bookings.models import Booking
from hotel.admin_site import site
from hotel.dynamo_admin import AttributeFilter, DateFilter, DynamoModelAdmin, action, display
from hotel.dynamo_admin.forms import MoneyField
from hotel.dynamo_admin.query import Range
from hotel.errors import DomainError
from hotel.templatetags.money import format_money

from . import services
from .exceptions import PaymentGatewayError, RefundTooLarge
from .models import (
    REFUNDABLE_STATUSES,
    STATUS_LABELS,
    Payment,
)
from .selectors import payments_for_booking
from .services.refund import RefundLeftOwed

logger = logging.getLogger(__name__)

REFUND_PERMISSION = "payments.refund_payment"


class CreatedDateFilter(DateFilter):
    """A from/to range of days on a UTC datetime attribute, in the hotel's time zone."""

    def bind(self, modeladmin) -> CreatedDateFilter:
        attr = modeladmin.model.get_attributes().get(self.attribute)
        if not isinstance(attr, UTCDateTimeAttribute):
            raise ImproperlyConfigured(
                f"CreatedDateFilter needs a datetime attribute, not {self.attribute!r}."
            )
        return self

    def lookups(self, params):
        days = super().lookups(params).get(self.attribute)
        if days is None:
            return {}
        zone = timezone.get_current_timezone()
        low = datetime.combine(date.fromisoformat(days.low), time.min, zone) if days.low else None
        high = (
            datetime.combine(date.fromisoformat(days.high), time.max, zone) if days.high else None
        )
        return {self.attribute: Range(low, high)}


class RefundForm(forms.Form):
    """The refund's amount in major units (`50.00`); blank refunds all that is left."""

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"] = MoneyField(
            currency=currency,
            label="Amount",
            required=False,
            help_text=f"In {currency.upper()}. Blank: everything not yet refunded.",
        )


class PaymentAdmin(DynamoModelAdmin):
    object_type = "payments.payment"
    list_display = (
        "transactionId",
        "booking_link",
        "amount",
        "refundedAmount",
        "status",
        "paymentMethod",
        "createdAt",
    )
    list_filter = (
        # Every status is a choice, so with none chosen the list reads each status's
        # partition of status-createdAt-index in turn (never a Scan); the date range is
        # that index's key condition.
        AttributeFilter("status", index=Payment.by_status, fan_out=True),
        CreatedDateFilter("createdAt", title="created", parameter="created"),
    )
    search_fields = ("transactionId", "bookingId")
    search_help_text = "A transaction id (TXN-…) or a booking id (BK-…), exactly."
    query_forward = False  # newest first
    choices = {"status": STATUS_LABELS}
    audit_money_fields = ("amount", "refundedAmount")
    fields = (
        "transactionId",
        "status",
        "booking_link",
        "amount",
        "refundedAmount",
        "refundable",
        "currency",
        "paymentMethod",
        "provider",
        "stripePaymentIntentId",
        "attempt",
        "failureMessage",
        "createdBy",
        "createdAt",
        "completedAt",
        "updatedAt",
    )
    labels = {
        "transactionId": "Transaction",
        "refundedAmount": "Refunded",
        "paymentMethod": "Card brand",
        "stripePaymentIntentId": "Stripe PaymentIntent",
        "failureMessage": "Failure",
        "createdBy": "Created by",
        "createdAt": "Created",
        "completedAt": "Completed",
        "updatedAt": "Last changed",
    }
    object_actions = ("refund",)
    change_form_template = "admin/payments/payment/change_form.html"

    # --- permissions: read-only, refunds only -----------------------------------------------------

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # Payments change only through the provider and payment_refund.

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm(REFUND_PERMISSION)

    # --- the list -------------------------------------------------------------------------------

    def search_key(self, term: str) -> str:
        return term.strip().upper()

    def search_lookups(self, term: str):
        """Not a transaction id: a booking id, read through bookingId-keys-index."""
        key = self.search_key(term)
        return {"bookingId": key} if key else None

    def format_attribute(self, obj, name):
        if name in ("amount", "refundedAmount"):
            return format_money(getattr(obj, name) or 0, obj.currency)
        return super().format_attribute(obj, name)

    @display(description="Booking")
    def booking_link(self, payment):
        url = reverse("admin:bookings_booking_change", args=(quote(payment.bookingId),))
        return format_html('<a href="{}">{}</a>', url, payment.bookingId)

    @display(description="Refundable")
    def refundable(self, payment):
        if payment.status not in REFUNDABLE_STATUSES:
            return None
        return format_money(payment.amount - payment.refundedAmount, payment.currency)

    # --- the payment page -----------------------------------------------------------------------

    def get_editable_fields(self, request, obj=None):
        return []

    def get_object_actions(self, request, obj):
        if obj.status not in REFUNDABLE_STATUSES or obj.refundedAmount >= obj.amount:
            return {}
        return super().get_object_actions(request, obj)

    def get_changeform_context(self, request, obj) -> dict:
        if obj is None:
            return {}
        can_refund = "refund" in self.get_object_actions(request, obj)
        return {
            "booking": self._booking_summary(obj),
            "refunds": [
                {
                    "amount": format_money(r.get("amount") or 0, obj.currency),
                    "at": r.get("at"),
                    "actor": r.get("actor"),
                    "status": r.get("status"),
                    "refund_id": r.get("refundId"),
                }
                for r in obj.refunds or []
            ],
            "refund_form": RefundForm(currency=obj.currency) if can_refund else None,
            "refundable_amount": format_money(obj.amount - obj.refundedAmount, obj.currency),
        }

    def _booking_summary(self, payment) -> dict:
        url = reverse("admin:bookings_booking_change", args=(quote(payment.bookingId),))
        try:
            booking = Booking.get(payment.bookingId)
        except DoesNotExist:
            return {"id": payment.bookingId, "url": None, "status": None, "total": None}
        return {
            "id": booking.bookingId,
            "url": url,
            "status": booking.status.replace("-", " ").capitalize(),
            "guest": booking.guestName,
            "stay": f"{booking.checkIn} → {booking.checkOut}, {booking.roomType} "
            + (f"room {booking.roomId}" if booking.roomId else "(no room yet)"),
            "total": format_money(booking.totalPrice, booking.currency),
        }

    @action(description="Refund", permissions=["refund"])
    def refund(self, request, payments):
        """First a confirmation page with the amount; the refund only once confirmed."""
        if request.POST.get("post") != "yes":
            return self._refund_confirmation(request, payments[0])
        for payment in payments:
            self._refund(request, payment)

    def _refund_confirmation(self, request, payment: Payment):
        form = RefundForm(request.POST, currency=payment.currency)
        if not form.is_valid():
            errors = " ".join(e for errs in form.errors.values() for e in errs)
            self.message_user(request, f"Nothing was refunded: {errors}", messages.ERROR)
            return None
        left = payment.amount - payment.refundedAmount
        amount = form.cleaned_data.get("amount")
        problem = None  # said now rather than after confirming (payment_refund checks again)
        if amount is not None and amount <= 0:
            problem = "Enter a positive amount, or leave it blank to refund everything left."
        elif amount is not None and amount > left:
            problem = f"At most {format_money(left, payment.currency)} can still be refunded."
        if problem:
            self.message_user(request, f"Nothing was refunded: {problem}", messages.ERROR)
            return None
        amount = left if amount is None else amount  # confirmed as shown, not "the rest"
        context = self.base_context(
            request,
            title="Refund payment",
            subtitle=None,
            payment=payment,
            booking=self._booking_summary(payment),
            amount=format_money(amount, payment.currency),
            amount_value=form.fields["amount"].prepare_value(amount),
            everything=amount == left,
            change_url=self.object_url(payment.transactionId),
            form_url=self.object_url(payment.transactionId, "actions"),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/payments/payment/refund_confirmation.html", context)

    def _refund(self, request, payment: Payment) -> None:
        form = RefundForm(request.POST, currency=payment.currency)
        if not form.is_valid():
            errors = " ".join(e for errs in form.errors.values() for e in errs)
            self.message_user(request, f"Nothing was refunded: {errors}", messages.ERROR)
            return
        amount = form.cleaned_data.get("amount")
        try:
            refunded = services.payment_refund(
                transaction_id=payment.transactionId,
                amount=amount,
                actor=request.user.email,
                now=timezone.now(),
                request_id=getattr(request, "request_id", None),
            )
        except RefundTooLarge as exc:
            left = exc.details.get("refundable")
            message = (
                f"At most {format_money(left, payment.currency)} can still be refunded."
                if isinstance(left, int)
                else exc.message
            )
            self.message_user(request, f"Nothing was refunded: {message}", messages.ERROR)
        except RefundLeftOwed as exc:
            logger.exception("Refund of %s left owed", payment.transactionId)
            self.message_user(request, exc.message, messages.WARNING)
        except PaymentGatewayError as exc:
            logger.exception("Refund of %s failed at the provider", payment.transactionId)
            self.message_user(
                request,
                f"Nothing was refunded: the payment provider failed ({exc.message}). "
                "Try again later.",
                messages.ERROR,
            )
        except DomainError as exc:
            fields = (exc.details or {}).get("fields") or {}
            detail = " ".join(m for msgs in fields.values() for m in msgs) or exc.message
            self.message_user(request, f"Nothing was refunded: {detail}", messages.ERROR)
        else:
            done = refunded.refundedAmount - payment.refundedAmount
            self.message_user(
                request,
                f"Refunded {format_money(done, refunded.currency)} of {refunded.transactionId}"
                f" (refunded in total: "
                f"{format_money(refunded.refundedAmount, refunded.currency)}).",
                messages.SUCCESS,
            )


def payments_for_booking_page(request, booking_id: str) -> list[dict]:
    """A booking page's "Payments" section: the booking's payments (bookingId-keys-index Query)."""
    linked = request.user.has_perm("payments.view_payment")
    rows = []
    for payment in payments_for_booking(booking_id=booking_id):
        rows.append(
            {
                "transaction_id": payment.transactionId,
                "url": reverse(
                    "admin:payments_payment_change", args=(quote(payment.transactionId),)
                )
                if linked
                else None,
                "amount": format_money(payment.amount, payment.currency),
                "refunded": format_money(payment.refundedAmount or 0, payment.currency),
                "status": STATUS_LABELS.get(payment.status, payment.status),
                "method": payment.paymentMethod or "-",
                "created": payment.createdAt,
            }
        )
    return rows


site.register(Payment, PaymentAdmin)
