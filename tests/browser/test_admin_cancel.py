"""Cancelling a paid booking in the admin, in chromium: the confirmation page shows the
policy's refund and the payment it goes back to; a manager refunds another amount with a
reason. Screenshots land in artifacts/screenshots/<test>/.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from bookings.models import Booking
from bookings.services import booking_create, hotel_today
from hotel.accounts import roles
from payments.models import Payment
from payments.services import payment_create
from tests.browser.test_backoffice import sign_in


def test_a_manager_cancels_a_paid_booking_with_a_chosen_refund(
    page, make_room, make_staff, screenshot
):
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    now = timezone.now()
    check_in = hotel_today(now) + timedelta(days=3)  # the 2:50 rule
    booking = booking_create(
        room_id="101",
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=2,
        guest_name="Ada Guest",
        guest_email="ada@guest.test",
        actor="test",
        now=now,
    ).booking
    payment = payment_create(
        booking_id=booking.bookingId,
        amount=booking.totalPrice,
        currency=booking.currency,
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now,
    ).payment
    mail.outbox.clear()
    sign_in(page, make_staff(roles.MANAGER))

    page.goto(f"/admin/bookings/booking/{booking.bookingId}/change/")
    page.click("#object-actions button[value='cancel']")

    page.wait_for_selector("#cancel-form")
    row = page.locator(f"#cancel-{booking.bookingId}")
    assert "₹112.00" in row.locator(".refund-amount").inner_text()
    assert payment.transactionId in row.inner_text()
    screenshot(page, "01-confirm")
    assert Booking.get(booking.bookingId).status == "confirmed"

    page.fill("#id_refund_amount", "200.00")
    page.fill("#id_reason", "Room was not ready")
    page.click("#cancel-form input[type=submit]")

    page.wait_for_selector(".messagelist .success")
    assert "refunded ₹200.00" in page.locator(".messagelist").inner_text()
    screenshot(page, "02-cancelled")
    assert Booking.get(booking.bookingId, consistent_read=True).status == "cancelled"
    assert Payment.get(payment.transactionId, consistent_read=True).refundedAmount == 20000
    assert "Room was not ready" in page.locator("#booking-audit").inner_text()
    assert page.js_errors == []
