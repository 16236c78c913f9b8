"""The guest pays the bill's balance from the manage page: after a deposit (the rest is due
at check-in, payable now), after a change that raised the price, for extras.

The same card flow as the pay page (Stripe.js createToken, 3-D Secure in the page, hotel/
static/hotel/pay.js); the amount is the bill's balance the page showed, and the service
refuses a balance that moved since (payments.folio.online.folio_pay_balance).
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bookings.booking_terms import booking_payment_terms
from hotel.api.responses import response_for
from hotel.errors import DomainError, ValidationFailed
from payments.folio.online import BALANCE_PAYABLE, folio_pay_balance
from payments.folio.services import folio_sync
from payments.models import COMPLETED, REQUIRES_ACTION

from .common import GUEST, guest_booking
from .pay import PayForm
from .refusals import refusal_response


def balance_context(booking, token: str) -> dict:
    """The manage page's balance: what the bill says is owed, and the form's settings (only
    for a confirmed or in-house booking: a hold pays on the pay page)."""
    if booking.status not in BALANCE_PAYABLE:
        return {"balance": None}
    state = folio_sync(booking_id=booking.bookingId, now=timezone.now())
    return {
        "balance": state.balance,
        "balance_currency": state.currency,
        "balance_at_check_in": booking_payment_terms(booking) == "deposit",
        "balance_url": reverse("booking-pay-balance", kwargs={"token": token}),
        "manage_url": reverse("booking-manage", kwargs={"token": token}),
        "status_url": reverse("booking-pay-status", kwargs={"token": token}),
        "stripe_js_url": settings.STRIPE_JS_URL,
        "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
        "auth_timeout": settings.HOTEL_3DS_ABANDONED_AFTER_SECONDS,
    }


@never_cache
@require_POST
def pay_balance(request, token: str) -> JsonResponse:
    """JSON for pay.js: paid (then back to the manage page) / requires_action / pending, or
    an error in the project's error shape."""
    booking = guest_booking(token)
    form = PayForm(request.POST)
    if not form.is_valid():
        failed = ValidationFailed(
            _("Enter your card details again."), details={"fields": form.errors.get_json_data()}
        )
        return response_for(failed, request)
    data = form.cleaned_data
    try:
        attempt = folio_pay_balance(
            booking_id=booking.bookingId,
            amount=data["amount"],
            currency=data["currency"],
            payment_method_id=data["stripe_token"],
            actor=GUEST,
            now=timezone.now(),
            request_id=getattr(request, "request_id", None),
        )
    except DomainError as exc:
        return refusal_response(exc, request)  # in the page's language
    manage = reverse("booking-manage", kwargs={"token": token})
    urls = {"next": manage, "statusUrl": reverse("booking-pay-status", kwargs={"token": token})}
    payment = attempt.payment
    if payment.status == REQUIRES_ACTION and attempt.client_secret:
        return JsonResponse(
            {"state": "requires_action", "clientSecret": attempt.client_secret, **urls}
        )
    state = "paid" if payment.status == COMPLETED else "pending"
    return JsonResponse({"state": state, "done": True, **urls})
