"""Reading a reservation: its item and its stays, or a plain booking as a one-stay
reservation (a booking made alone has no Reservation item; its reference is its id)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist

from ..exceptions import BookingNotFound
from ..models import Booking
from ..selectors import booking_get
from ..services.common import hash_token
from .exceptions import ReservationNotFound
from .models import Reservation

MAX_ID_LENGTH = 64


@dataclass(frozen=True)
class ReservationView:
    reservation: Reservation  # not saved when `single`
    bookings: list[Booking]  # in the order booked
    single: bool  # a booking made alone, seen as a one-stay reservation

    def token_matches(self, token: str | None) -> bool:
        """Whether `token` is the guest token that opens this reservation (every stay)."""
        return bool(token) and hmac.compare_digest(
            self.reservation.guestTokenHash, hash_token(token)
        )


def reservation_get(reservation_id: str, *, consistent: bool = False) -> ReservationView:
    """The reservation `RS-…` and its stays, or for a booking id `BK-…` its reservation
    (a virtual one-stay one for a booking made alone). Raises ReservationNotFound."""
    reservation_id = (reservation_id or "").strip()
    if not 1 <= len(reservation_id) <= MAX_ID_LENGTH:
        raise ReservationNotFound()
    if reservation_id.startswith("BK-"):
        try:
            booking = booking_get(booking_id=reservation_id, consistent=consistent)
        except BookingNotFound:
            raise ReservationNotFound(f"Reservation {reservation_id} does not exist.") from None
        if booking.reservationId:
            return reservation_get(booking.reservationId, consistent=consistent)
        return ReservationView(reservation=_virtual(booking), bookings=[booking], single=True)
    try:
        reservation = Reservation.get(reservation_id, consistent_read=consistent)
    except DoesNotExist:
        raise ReservationNotFound(f"Reservation {reservation_id} does not exist.") from None
    found = {
        b.bookingId: b
        for b in Booking.batch_get(reservation.bookingIds, consistent_read=consistent)
    }
    stays = [found[i] for i in reservation.bookingIds if i in found]  # purged ones drop out
    return ReservationView(reservation=reservation, bookings=stays, single=False)


def _virtual(booking: Booking) -> Reservation:
    return Reservation(
        reservationId=booking.bookingId,
        bookerName=booking.guestName,
        bookerEmail=booking.guestEmail,
        bookerPhone=booking.guestPhone,
        bookingIds=[booking.bookingId],
        guestTokenHash=booking.guestTokenHash,
        totalPrice=booking.totalPrice,
        currency=booking.currency,
        source=booking.source,
        blockCode=booking.blockCode,
        profileId=booking.profileId,
        notes=booking.notes or "",
        createdAt=booking.createdAt,
        updatedAt=booking.updatedAt,
    )
