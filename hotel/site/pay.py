"""Guest payment pages: the card form (Stripe.js), its JSON endpoints, the confirmation.

The card goes from the browser to Stripe (Stripe.js `createToken`); the page POSTs the
token here and payment_create takes what the booking's payment terms ask now (the total,
or a deposit), or, for at_hotel terms, saves the card as the guarantee (amount 0, a
SetupIntent). 3-D Secure answers with a client secret for `stripe.confirmCardPayment` (a
guarantee's: `stripe.confirmCardSetup`) in the page; the webhook then settles the payment
(a guarantee: the status poll asks the provider, payments.services.guarantee_refresh) and
the page polls `status` until the booking is confirmed.
"""

from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bookings.booking_terms import booking_due_now, booking_payment_terms
from bookings.lifecycle import can_pay
from bookings.models import CONFIRMED
from bookings.policy_words import booking_terms
from hotel.api.responses import response_for
from hotel.errors import DomainError, ValidationFailed
from payments.api.serializers import PAYMENT_METHOD_ID
from payments.exceptions import BookingNotPayable
from payments.models import CANCELLED, FAILED, PENDING, REQUIRES_ACTION
from payments.selectors import payment_summary, payments_for_booking
from payments.services import guarantee_refresh, is_abandoned, payment_create

from .common import GUEST, guest_booking, stay_context
from .refusals import payment_end_words, refusal_response

logger = logging.getLogger(__name__)

NOT_COMPLETED = (REQUIRES_ACTION, FAILED, CANCELLED)  # an attempt that took no money (yet)


class PayForm(forms.Form):
    stripe_token = forms.RegexField(PAYMENT_METHOD_ID, max_length=255)
    amount = forms.IntegerField(min_value=0, max_value=10**12)  # 0: a card guarantee
    currency = forms.RegexField(r"^[A-Za-z]{3}$", max_length=3)


def _urls(token: str) -> dict:
    names = {
        "manage": "booking-manage",
        "pay": "booking-pay",
        "status": "booking-pay-status",
        "confirmation": "booking-confirmation",
    }
    return {key: reverse(name, kwargs={"token": token}) for key, name in names.items()}


@never_cache
@require_http_methods(["GET", "POST"])
def pay(request, token: str):
    booking = guest_booking(token)
    urls = _urls(token)
    if request.method == "POST":
        return _pay_post(request, booking, urls)
    now = timezone.now()
    if booking.status == CONFIRMED:
        return redirect(urls["confirmation"])
    if not can_pay(booking, now):
        return redirect(urls["manage"])
    payments = payments_for_booking(booking_id=booking.bookingId)
    latest = payments[-1] if payments else None
    return render(
        request,
        "site/pay.html",
        {
            **stay_context(booking),
            "token": token,
            "urls": urls,
            "policy": booking_terms(booking, now=timezone.now()),
            **terms_context(booking),
            "stripe_js_url": settings.STRIPE_JS_URL,
            "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
            # The page stops waiting for 3-D Secure after this long and says what to do.
            "auth_timeout": settings.HOTEL_3DS_ABANDONED_AFTER_SECONDS,
            "last_not_completed": latest is not None and latest.status in NOT_COMPLETED,
        },
    )


def terms_context(booking) -> dict:
    """What the page says the guest pays now and later (the booking's payment terms)."""
    due = booking_due_now(booking)
    return {
        "terms": booking_payment_terms(booking),
        "due_now": due,
        "balance_later": max(booking.totalPrice - due, 0),
    }


def _pay_post(request, booking, urls: dict) -> JsonResponse:
    """JSON for the page's script: paid / requires_action (clientSecret) / pending, or an
    error in the project's error shape (402 for a declined card: the guest may retry)."""
    form = PayForm(request.POST)
    if not form.is_valid():
        failed = ValidationFailed(
            _("Enter your card details again."), details={"fields": form.errors.get_json_data()}
        )
        return response_for(failed, request)
    data = form.cleaned_data
    try:
        attempt = payment_create(
            booking_id=booking.bookingId,
            amount=data["amount"],
            currency=data["currency"],
            payment_method_id=data["stripe_token"],
            actor=GUEST,
            now=timezone.now(),
            request_id=getattr(request, "request_id", None),
        )
    except BookingNotPayable:
        return JsonResponse({"state": "paid", "next": urls["confirmation"]})
    except DomainError as exc:  # declined (402), hold expired, amount changed, gateway down…
        return refusal_response(exc, request)  # in the page's language
    payment = attempt.payment
    if payment.status == REQUIRES_ACTION and attempt.client_secret:
        return JsonResponse(
            {
                "state": "requires_action",
                "clientSecret": attempt.client_secret,
                "kind": payment.kind or "charge",
                **_next(urls),
            }
        )
    state = "paid" if payment.status == "completed" else "pending"
    return JsonResponse({"state": state, **_next(urls)})


NOT_COMPLETED_MESSAGE = gettext_lazy(
    "Your last payment was not completed (your bank's check was not finished, or the card "
    "was declined). Nothing was charged: try again, or use another card."
)


def _next(urls: dict) -> dict:
    return {"next": urls["confirmation"], "statusUrl": urls["status"]}


@never_cache
@require_GET
def status(request, token: str) -> JsonResponse:
    """Where the booking and its latest payment stand (the pay page polls this)."""
    booking = guest_booking(token)
    payments = payments_for_booking(booking_id=booking.bookingId)
    latest = payments[-1] if payments else None
    if latest is not None and latest.is_guarantee and latest.status == REQUIRES_ACTION:
        latest = _guarantee_refreshed(latest, request)
        booking = guest_booking(token)
    return JsonResponse(
        {
            "bookingStatus": booking.status,
            "paid": payment_summary(payments, currency=booking.currency)["status"],
            "payment": {
                "status": latest.status,
                "message": payment_end_words(latest),  # why it ended, in the page's language
            }
            if latest
            else None,
        }
    )


def _guarantee_refreshed(payment, request):
    """A guarantee waiting for 3-D Secure, settled from the provider's state (no webhook
    needed: Stripe.js confirmed it in the page). Never raises: the page keeps polling."""
    try:
        return guarantee_refresh(
            transaction_id=payment.transactionId,
            actor=GUEST,
            now=timezone.now(),
            request_id=getattr(request, "request_id", None),
        )
    except DomainError:
        logger.warning("Guarantee %s could not be settled", payment.transactionId, exc_info=True)
        return payment


@never_cache
@require_GET
def confirmation(request, token: str):
    booking = guest_booking(token)
    urls = _urls(token)
    now = timezone.now()
    payments = payments_for_booking(booking_id=booking.bookingId)
    latest = payments[-1] if payments else None
    # Waiting makes sense for a payment in flight, taken, or in a 3-D Secure check the guest
    # may still finish; not for one abandoned, declined or cancelled (that waited forever).
    settling = (
        booking.status != CONFIRMED
        and latest is not None
        and (
            latest.status in (PENDING, "completed")
            or (latest.status == REQUIRES_ACTION and not is_abandoned(latest, now=now))
        )
    )
    if booking.status != CONFIRMED and not settling:
        if latest is not None and latest.status in NOT_COMPLETED:
            messages.warning(request, NOT_COMPLETED_MESSAGE)
        return redirect(urls["pay"] if can_pay(booking, now) else urls["manage"])
    return render(
        request,
        "site/confirmation.html",
        {
            **stay_context(booking),
            "token": token,
            "urls": urls,
            "settling": settling,
            "summary": payment_summary(payments, currency=booking.currency),
            "card": next((p.paymentMethod for p in reversed(payments) if p.paymentMethod), None),
            "terms": booking_terms(booking, now=now),
        },
    )
