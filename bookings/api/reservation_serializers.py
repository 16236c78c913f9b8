"""The reservation API's shapes: a booker and several stays in, the reservation out.

A stay's type errors are named by its place ("stays[1].checkIn"), like the service's own
rules (bookings.reservations.create), so a client sees every stay's problem in one answer.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from bookings.booking_terms import booking_due_now
from bookings.models import CANCELLED, CHECKED_IN, CHECKED_OUT, EXPIRED, NO_SHOW, PENDING
from hotel.api.serializers import DayField, StrictInputSerializer, language_field

from .serializers import BookingOutput, children_ages_field, iso, stay_errors

MAX_STAYS_PARSED = 50  # a sanity bound on parsing; the service's rule is smaller (size.py)
ENDED = (CANCELLED, EXPIRED, NO_SHOW)


class BookerInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=25, required=False, allow_blank=True)


class StayInput(StrictInputSerializer):
    roomType = serializers.CharField(max_length=40)
    ratePlan = serializers.CharField(max_length=20, required=False)
    adults = serializers.IntegerField(min_value=1, max_value=12)
    childrenAges = children_ages_field()
    checkIn = DayField()
    checkOut = DayField()
    guestName = serializers.CharField(max_length=120, required=False, allow_blank=True)

    def rule_errors(self, values, errors):
        return stay_errors(values, errors)


class ReservationInput(StrictInputSerializer):
    booker = BookerInput()
    stays = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=MAX_STAYS_PARSED,
        help_text="The rooms: at most 10 stays and 60 room-nights in one reservation.",
    )
    promoCode = serializers.CharField(max_length=40, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    language = language_field()

    def rule_errors(self, values, errors):
        found: dict[str, list[str]] = {}
        self.parsed_stays = []
        for index, raw in enumerate(values.get("stays") or ()):
            stay = StayInput(data=raw, context=self.context)
            if stay.is_valid():
                self.parsed_stays.append(dict(stay.validated_data))
            else:
                for name, messages in stay.errors.items():
                    listed = messages if isinstance(messages, list) else [messages]
                    found[f"stays[{index}].{name}"] = [str(m) for m in listed]
        return found


class ReservationStayOutput(BookingOutput):
    """A stay: the booking as GET /api/bookings/{bookingId} shows it."""


class BookerOutput(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)


class ReservationOutput(serializers.Serializer):
    reservationId = serializers.CharField(help_text="RS-…, or a BK-… booked alone.")
    status = serializers.CharField(
        help_text="The live stays' least advanced status (pending, confirmed, checked-in, "
        "checked-out), else cancelled or expired; each stay has its own."
    )
    booker = BookerOutput()
    totalPrice = serializers.IntegerField(help_text="The live stays' totals (minor units).")
    currency = serializers.CharField()
    dueNow = serializers.IntegerField(help_text="What the live stays' terms ask up front.")
    notes = serializers.CharField()
    language = serializers.CharField(help_text="The booker's: every email is written in it.")
    createdAt = serializers.CharField()
    stays = ReservationStayOutput(many=True)


class ReservationCreatedOutput(ReservationOutput):
    guestToken = serializers.CharField(help_text="Opens the reservation and every stay.")


def reservation_status(bookings) -> str:
    """One word for the reservation: its live stays' least advanced status."""
    live = [b.status for b in bookings if b.status not in ENDED]
    if not live:
        statuses = {b.status for b in bookings}
        return EXPIRED if statuses == {EXPIRED} else CANCELLED
    for status in (PENDING, "confirmed", CHECKED_IN):
        if status in live:
            return status
    return CHECKED_OUT


def reservation_body(view) -> dict:
    """The reservation's representation (ReservationOutput) from a ReservationView."""
    reservation, bookings = view.reservation, view.bookings
    live = [b for b in bookings if b.status not in ENDED]
    stays = BookingOutput(bookings, many=True).data
    return {
        "reservationId": reservation.reservationId,
        "status": reservation_status(bookings),
        "booker": {
            "name": reservation.bookerName,
            "email": reservation.bookerEmail,
            "phone": reservation.bookerPhone,
        },
        "totalPrice": sum(b.totalPrice for b in live),
        "currency": reservation.currency,
        # What paying the reservation takes now: the pending stays' terms (the amount
        # POST …/payments expects); 0 once every stay is confirmed.
        "dueNow": sum(booking_due_now(b) for b in bookings if b.status == PENDING),
        "notes": reservation.notes or "",
        "language": reservation.language or settings.LANGUAGE_CODE,
        "createdAt": iso(reservation.createdAt),
        "stays": [dict(s) for s in stays],
    }
