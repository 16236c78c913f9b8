"""Paying a reservation from its page: one card form for every room (the JSON endpoints
behind templates/site/reservation.html and hotel/static/hotel/reservation_pay.js).

The page posts one Stripe.js token and the sum of what every pending stay's terms take now;
payments.services.reservation_pay charges each stay (its own Payment on its own bill, as
the API's POST /api/reservations/{id}/payments does). When a stay's bank asks for 3-D
Secure the service stops there: the page authenticates it (Stripe.js), waits on `status`
until the webhook has confirmed that stay, then posts a new token for the rest. Calling the
service again before then would meet the stay still pending with its attempt in flight
(PAYMENT_IN_PROGRESS), so the wait is what keeps a stay from being charged twice.
"""

from __future__ import annotations

import logging

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bookings.models import PENDING as BOOKING_PENDING
from bookings.reservations.selectors import ReservationView
from bookings.reservations.services import ReservationNotFound, reservation_get
from hotel.api.responses import response_for
from hotel.errors import DomainError, ValidationFailed
from payments.exceptions import BookingNotPayable
from payments.models import REQUIRES_ACTION
from payments.selectors import payments_for_booking
from payments.services import reservation_due_now, reservation_pay

from .common import GUEST, reservation_id_from_token
from .pay import PayForm, _guarantee_refreshed
from .refusals import payment_end_words, refusal_response

logger = logging.getLogger(__name__)


def reservation_urls(token: str) -> dict:
    """The reservation page and its payment endpoints, under the same signed link."""
    names = {"page": "site-reservation", "pay": "site-reservation-pay",
             "status": "site-reservation-status"}  # fmt: skip
    return {key: reverse(name, kwargs={"token": token}) for key, name in names.items()}


def _view(token: str) -> ReservationView:
    try:
        return reservation_get(reservation_id_from_token(token), consistent=True)
    except ReservationNotFound as exc:
        raise Http404("No such reservation") from exc


@never_cache
@require_POST
def pay(request, token: str) -> JsonResponse:
    """JSON for the page's script: paid / pending (every stay charged), requires_action
    (the stay whose bank asks for 3-D Secure: clientSecret, bookingId; the rest is posted
    after it), or an error in the project's shape (details.paid / unpaid after a decline
    part-way)."""
    view = _view(token)
    urls = reservation_urls(token)
    form = PayForm(request.POST)
    if not form.is_valid():
        failed = ValidationFailed(
            _("Enter your card details again."), details={"fields": form.errors.get_json_data()}
        )
        return response_for(failed, request)
    data = form.cleaned_data
    try:
        done = reservation_pay(
            reservation_id=view.reservation.reservationId,
            amount=data["amount"],
            currency=data["currency"],
            payment_method_id=data["stripe_token"],
            actor=GUEST,
            now=timezone.now(),
            request_id=getattr(request, "request_id", None),
        )
    except BookingNotPayable:  # nothing left to pay: the page shows where each stay stands
        return JsonResponse({"state": "paid", "next": urls["page"], "statusUrl": urls["status"]})
    except DomainError as exc:  # declined (402), a hold expired, the amount changed…
        return refusal_response(exc, request)  # in the page's language
    answer = {"next": urls["page"], "statusUrl": urls["status"]}
    last = done.attempts[-1].payment if done.attempts else None
    if last is not None and last.status == REQUIRES_ACTION and done.attempts[-1].client_secret:
        return JsonResponse(
            {
                "state": "requires_action",
                "clientSecret": done.attempts[-1].client_secret,
                "kind": last.kind or "charge",
                "bookingId": last.bookingId,
                **answer,
            }
        )
    paid = all(a.payment.status == "completed" for a in done.attempts)
    return JsonResponse({"state": "paid" if paid else "pending", **answer})


@never_cache
@require_GET
def status(request, token: str) -> JsonResponse:
    """Where each stay and its latest payment stand, and what is still due now (the page
    polls this between a 3-D Secure check and paying the rest)."""
    view = _view(token)
    stays = {}
    for booking in view.bookings:
        payments = payments_for_booking(booking_id=booking.bookingId)
        latest = payments[-1] if payments else None
        if latest is not None and latest.is_guarantee and latest.status == REQUIRES_ACTION:
            latest = _guarantee_refreshed(latest, request)
        stays[booking.bookingId] = {
            "status": booking.status,
            "payment": {
                "status": latest.status,
                "message": payment_end_words(latest),  # why it ended, in the page's language
            }
            if latest
            else None,
        }
    if any(s["payment"] and s["payment"]["status"] == "completed" for s in stays.values()):
        view = reservation_get(view.reservation.reservationId, consistent=True)
        for booking in view.bookings:  # a guarantee just settled confirmed its stay
            stays[booking.bookingId]["status"] = booking.status
    return JsonResponse(
        {
            "stays": stays,
            "due": reservation_due_now(view),
            "currency": view.reservation.currency,
            "pending": [b for b, s in stays.items() if s["status"] == BOOKING_PENDING],
            "allConfirmed": all(s["status"] == "confirmed" for s in stays.values()),
        }
    )
