"""Invoice fixtures: a walk-in in house with its bill (two nights at 5000 + 12 % tax)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.clock import hotel_today
from bookings.services import booking_create, booking_transition
from payments.folio import desk

DESK = "desk@staff.test"


def walk_in(room_id: str, *, name: str = "Walk In", email: str = "walk@in.test"):
    now = timezone.now()
    today = hotel_today(now)
    booking = booking_create(
        room_id=room_id,
        check_in=today,
        check_out=today + timedelta(days=2),
        guests=2,
        guest_name=name,
        guest_email=email,
        actor=DESK,
        now=now,
    ).booking
    for status in ("confirmed", "checked-in"):
        booking_transition(booking_id=booking.bookingId, to_status=status, actor=DESK, now=now)
    return booking


def settle(booking_id: str) -> int:
    """Post a minibar charge and pay the whole balance in cash; return what was paid."""
    now = timezone.now()
    desk.folio_charge(
        booking_id=booking_id,
        description="Minibar",
        amount=35000,
        quantity=1,
        tax_category="standard",
        category="minibar",
        actor=DESK,
        now=now,
    )
    from payments.folio.services import folio_sync

    balance = folio_sync(booking_id=booking_id, now=now).balance
    desk.folio_payment(
        booking_id=booking_id,
        amount=balance,
        method="cash",
        reference="till 2",
        actor=DESK,
        now=now,
    )
    return balance


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def stay(make_room):
    make_room(roomId="R-1", pricePerNight=5000)
    return walk_in("R-1")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Each test its own files: numbers restart with the emptied tables, and a PDF stored
    under the same number by an earlier test must not be served."""
    settings.MEDIA_ROOT = tmp_path / "media"
