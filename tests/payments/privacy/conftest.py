"""A guest with data everywhere: a profile and its keys, three bookings (one paid through
localstripe, invoiced and checked out; one in a reservation the guest booked, cancelled; one
only the guestEmail index finds), folio lines that quote the name, emails queued in the
outbox (the mail backend is down), audit entries about all of it; and another guest whose
data must survive the erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from bookings.guests.models import GuestKey, GuestProfile
from bookings.models import Booking
from bookings.reservations.models import Reservation
from bookings.services import booking_create, booking_transition
from hotel import dynamo
from hotel.audit.services import audit_record
from payments.folio.desk import folio_charge
from payments.invoices.services import invoice_issue
from payments.services import payment_create
from tests.helpers import settle_bill
from tests.stored import stored_text

from ..conftest import TOTAL, now, stay_start

NAME = "Ada Lovelace"
EMAIL = "ada.lovelace@guest.test"
PHONE = "+447700900123"
PROFILE_ID = "GP-ADA0000001"
OTHER_NAME = "Grace Hopper"
OTHER_EMAIL = "grace.hopper@guest.test"
DESK = "desk@staff.test"


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionError("SES is down")


@dataclass
class GuestWorld:
    profile: GuestProfile
    paid: Booking  # paid online, in house then checked out, invoiced
    reserved: Booking  # a stay of the guest's reservation, cancelled
    by_email: Booking  # not on the profile: found by the guestEmail index
    other: Booking  # another guest's
    reservation: Reservation
    invoice_number: str


def profile_made(*, profile_id: str = PROFILE_ID, booking_ids=(), name=NAME, email=EMAIL):
    """A profile and its GuestKey items saved directly (bookings.guests' services write them
    in real use), as its docstring describes them."""
    at = now()
    profile = GuestProfile(
        profileId=profile_id,
        name=name,
        email=email,
        phone=PHONE,
        address={"line1": "12 St James's Square", "city": "London", "country": "GB"},
        nationality="GB",
        language="en",
        preferences=["high floor"],
        notes=f"{name} is allergic to feathers",
        vip=True,
        marketingConsent=True,
        marketingConsentAt=at,
        bookingIds=list(booking_ids),
        createdAt=at,
        updatedAt=at,
    )
    profile.save()
    keys = [  # each contact: its claim (sort "#") and the documented item
        GuestKey(key=f"email#{email}", sort="#", profileId=profile_id),
        GuestKey(key=f"email#{email}", sort=profile_id, profileId=profile_id, name=name),
        GuestKey(key=f"phone#{PHONE}", sort="#", profileId=profile_id),
        GuestKey(key=f"phone#{PHONE}", sort=profile_id, profileId=profile_id, name=name),
    ]
    for token in name.lower().split():
        keys.append(
            GuestKey(
                key=f"name#{token[:2]}",
                sort=f"{token}#{profile_id}",
                profileId=profile_id,
                name=name,
            )
        )
    for key in keys:
        key.save()
    audit_record(
        actor=DESK,
        action="create",
        object_type="guests.profile",
        object_id=profile_id,
        before=None,
        after={"name": name, "email": email, "phone": PHONE},
        now=at,
    )
    return profile


def _book(room_id: str, *, start: int, name=NAME, email=EMAIL, **fields) -> Booking:
    check_in = stay_start() + timedelta(days=start)
    return booking_create(
        room_id=room_id,
        check_in=check_in,
        check_out=check_in + timedelta(days=2),
        guests=2,
        guest_name=name,
        guest_email=email,
        actor=DESK,
        now=now(),
        **fields,
    ).booking


def _move(booking: Booking, *statuses: str) -> Booking:
    for status in statuses:
        if status == "checked-out":
            settle_bill(booking.bookingId)
        booking = booking_transition(
            booking_id=booking.bookingId,
            to_status=status,
            actor=DESK,
            now=now(),
            override_housekeeping=True,  # the same room again: no attendant in a test
        )
    return booking


@pytest.fixture
def guest_world(make_room, settings, media) -> GuestWorld:
    settings.EMAIL_BACKEND = "tests.payments.privacy.conftest.BrokenBackend"
    make_room(roomId="R-1", pricePerNight=10000)
    make_room(roomId="R-2", pricePerNight=10000)
    # The guest's profile first: each booking is then linked to it by bookings.guests'
    # handlers (the same email and phone find it), as in real use.
    profile_made()

    paid = _book("R-1", start=0, guest_phone=PHONE, notes=f"{NAME} arrives late")
    payment_create(
        booking_id=paid.bookingId,
        amount=TOTAL,
        currency="INR",
        payment_method_id="pm_card_visa",
        actor="guest",
        now=now(),
    )
    _move(paid, "checked-in")
    folio_charge(
        booking_id=paid.bookingId,
        description=f"Room service for {NAME}",
        amount=2500,
        category="restaurant",
        actor=DESK,
        now=now(),
    )
    paid = _move(paid, "checked-out")
    invoice = invoice_issue(booking_id=paid.bookingId, actor=DESK, now=now())

    reserved = _book("R-2", start=0)
    reservation = Reservation(
        reservationId="RS-20260302-ADA00001",
        bookerName=NAME,
        bookerEmail=EMAIL,
        bookerPhone=PHONE,
        bookingIds=[reserved.bookingId],
        guestTokenHash="0" * 64,
        totalPrice=reserved.totalPrice,
        currency=reserved.currency,
        profileId=PROFILE_ID,
        notes=f"Booked by {NAME} by phone",
        createdAt=now(),
        updatedAt=now(),
    )
    reservation.save()
    Booking.get(reserved.bookingId).update(
        actions=[Booking.reservationId.set(reservation.reservationId)]
    )
    audit_record(
        actor=DESK,
        action="create",
        object_type="bookings.reservation",
        object_id=reservation.reservationId,
        before=None,
        after={"bookerName": NAME, "bookerEmail": EMAIL},
        now=now(),
    )
    reserved = _move(Booking.get(reserved.bookingId), "cancelled")

    by_email = _move(_book("R-1", start=5), "confirmed", "checked-in", "checked-out")
    other = _book("R-2", start=5, name=OTHER_NAME, email=OTHER_EMAIL)
    profile = GuestProfile.get(PROFILE_ID)
    return GuestWorld(
        profile=profile,
        paid=paid,
        reserved=reserved,
        by_email=by_email,
        other=other,
        reservation=Reservation.get(reservation.reservationId),
        invoice_number=invoice.number,
    )


def traces(*needles: str) -> dict[str, int]:
    """{table: items whose any attribute contains one of `needles`, case-insensitive}: a Scan
    of every registered table (fine in a test; never on a request path)."""
    needles = tuple(n.lower() for n in needles)
    client = dynamo.client()
    found: dict[str, int] = {}
    for model in dynamo.registered_models():
        table = model.Meta.table_name
        for page in client.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                text = f"{item} {stored_text(model, item)}".lower()
                if any(n in text for n in needles):
                    found[model.__name__] = found.get(model.__name__, 0) + 1
    return found
