"""What the apps register: every type the issue names, and each carrying its whole object as
the API renders it, with a `version` that grows (payments, refunds, invoices)."""

from __future__ import annotations

from django.utils import timezone

from hotel.webhooks.publish import webhooks_wait_idle
from hotel.webhooks.types import type_names
from payments.invoices.services import invoice_issue
from payments.services import payment_create, payment_refund
from tests.payments.invoices.conftest import DESK, settle, walk_in


def test_the_apps_register_every_webhook_type():
    assert set(type_names()) == {
        "booking.created",
        "booking.confirmed",
        "booking.cancelled",
        "booking.changed",
        "booking.expired",
        "booking.no_show",
        "guest.checked_in",
        "guest.checked_out",
        "payment.succeeded",
        "payment.refunded",
        "folio.invoice_issued",
    }


def test_a_payment_and_its_refund_carry_the_payment_as_the_api_shows_it(
    manager_api, receiver, subscribe, booked
):
    subscribe(receiver.url, events=["payment.succeeded", "payment.refunded"])
    booking = booked()

    paid = payment_create(
        booking_id=booking.bookingId,
        amount=booking.totalPrice,
        currency=booking.currency,
        payment_method_id="pm_card_visa",
        actor="guest",
        now=timezone.now(),
    ).payment
    receiver.wait_for(1)
    payment_refund(transaction_id=paid.transactionId, amount=100, actor=DESK, now=timezone.now())
    receiver.wait_for(2)
    webhooks_wait_idle()

    by_type = {r.json["type"]: r.json["data"] for r in receiver.requests}
    succeeded, refunded = by_type["payment.succeeded"], by_type["payment.refunded"]
    assert succeeded["transactionId"] == refunded["transactionId"] == paid.transactionId
    assert succeeded["status"] == "completed" and refunded["refundedAmount"] == 100
    assert refunded["version"] > succeeded["version"]  # a receiver keeps the newer one
    shown = manager_api.get(f"/api/payments/{paid.transactionId}").json()
    assert {k: v for k, v in refunded.items() if k != "version"} == shown


def test_an_issued_invoice_carries_the_invoice(manager_api, receiver, subscribe, make_room, media):
    subscribe(receiver.url, events=["folio.invoice_issued"])
    make_room(roomId="R-9", pricePerNight=5000)
    stay = walk_in("R-9")
    settle(stay.bookingId)

    invoice = invoice_issue(booking_id=stay.bookingId, actor=DESK, now=timezone.now())
    (request,) = receiver.wait_for(1)

    data = request.json["data"]
    assert request.json["type"] == "folio.invoice_issued" and data["version"] == 1
    shown = manager_api.get(f"/api/invoices/{invoice.number}").json()
    assert {k: v for k, v in data.items() if k != "version"} == shown
