"""A reservation's guest emails: one "held, pay to confirm" email listing every stay with one
pay link (the reservation's page), and one confirmation once no stay is waiting for payment
any more — not one email per stay (bookings/emails.py leaves a reservation's stays to this
module; a booking made alone keeps its own two emails).

Both are sent from the stays' own events (BookingCreated; BookingConfirmed, and
BookingExpired/BookingCancelled, since the last pending stay may lapse instead of being
paid). Events can be delivered twice and a reservation's stays raise several: each email is
sent only by the handler that first claims its key in the idempotency table (a conditional
put, like the online check-in invitation's marker). The confirmation's key names the stays
it confirms, so a stay confirmed later (a late 3-D Secure success reviving it) gets a new
email listing every confirmed room, and a repeated event gets none.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError

from hotel import events
from hotel.events import Event, subscribe
from hotel.idempotency import IdempotencyKey
from hotel.languages import in_language
from hotel.mail import email_send

from ..links import reservation_url
from ..models import CONFIRMED, PENDING, Booking
from .models import Reservation

logger = logging.getLogger(__name__)

CLAIM_TTL = timedelta(days=400)  # past any stay's check-out: a late redelivery stays a repeat


def reservation_of(event: Event) -> tuple[Reservation, list[Booking]] | None:
    """The reservation the event's stay belongs to, with every stay (read consistently),
    if the booker has an email address; None for a booking made alone."""
    try:
        booking = Booking.get(event.detail["bookingId"], consistent_read=True)
    except DoesNotExist:
        return None
    if not booking.reservationId:
        return None
    try:
        reservation = Reservation.get(booking.reservationId, consistent_read=True)
    except DoesNotExist:
        return None
    if not reservation.bookerEmail:
        return None
    stays = list(Booking.batch_get(reservation.bookingIds, consistent_read=True))
    order = {booking_id: n for n, booking_id in enumerate(reservation.bookingIds)}
    stays.sort(key=lambda stay: order[stay.bookingId])
    return reservation, stays


def email_claim(key: str, *, reservation_id: str, now: datetime) -> bool:
    """Whether this handler is the first to send the email `key` (a conditional put)."""
    claim = IdempotencyKey(
        key=key, fingerprint=reservation_id, createdAt=now, expiresAt=now + CLAIM_TTL
    )
    try:
        claim.save(condition=IdempotencyKey.key.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def reservation_language(reservation: Reservation, stays: list[Booking]) -> str | None:
    """The booker's language: the reservation's, else its first stay's (None: English)."""
    return reservation.language or next((s.language for s in stays if s.language), None)


def reservation_link(reservation: Reservation, language: str | None) -> str:
    """The reservation page's absolute link, in the booker's language (/de/… for German)."""
    with in_language(language):
        return reservation_url(reservation_id=reservation.reservationId)


def stay_lines(stays: list[Booking]) -> list[dict]:
    return [{"booking": s, "nights": len(s.nightly or [])} for s in stays]


@subscribe(events.BookingCreated)
def reservation_held_email(event: Event) -> None:
    found = reservation_of(event)
    if found is None:
        return
    reservation, stays = found
    held = [s for s in stays if s.status == PENDING and s.guestHold]
    if not held or len(held) < len([s for s in stays if s.status == PENDING]):
        return  # staff's holds (phone bookings) send none, as for a booking alone
    now = event.occurred_at
    if not email_claim(
        f"mail.reservation-held:{reservation.reservationId}",
        reservation_id=reservation.reservationId,
        now=now,
    ):
        return
    expires = min(s.expiresAt for s in held if s.expiresAt)
    language = reservation_language(reservation, stays)
    email_send(
        to=reservation.bookerEmail,
        template="reservation_held",
        context={
            "reservation": reservation,
            "stays": stay_lines(held),
            "total": sum(s.totalPrice or 0 for s in held),
            "pay_url": reservation_link(reservation, language),
            "expires": expires,
        },
        now=now,
        language=language,
    )


@subscribe(events.BookingConfirmed, events.BookingExpired, events.BookingCancelled)
def reservation_confirmed_email(event: Event) -> None:
    found = reservation_of(event)
    if found is None:
        return
    reservation, stays = found
    if any(s.status == PENDING for s in stays):
        return  # one email for the payment, once every room it pays is settled
    confirmed = [s for s in stays if s.status == CONFIRMED]
    if not confirmed:
        return  # nothing was booked (all lapsed or cancelled): the holds end by themselves
    now = event.occurred_at
    rid = reservation.reservationId
    first = f"mail.reservation-confirmed:{rid}"
    # Keyed by the rooms it confirms: a room confirmed after the first email gets one more
    # listing every room; a repeated event gets none.
    digest = hashlib.sha256(",".join(s.bookingId for s in confirmed).encode()).hexdigest()
    this = f"{first}:{digest[:16]}"
    if event.name == events.BookingConfirmed:
        if not email_claim(this, reservation_id=rid, now=now):
            return
        email_claim(first, reservation_id=rid, now=now)
    else:
        # The last pending room lapsed or was cancelled: the rooms paid before get their
        # email, unless they had one (a confirmed room cancelled later sends none from here).
        if not email_claim(first, reservation_id=rid, now=now):
            return
        email_claim(this, reservation_id=rid, now=now)
    language = reservation_language(reservation, stays)
    email_send(
        to=reservation.bookerEmail,
        template="reservation_confirmed",
        context={
            "reservation": reservation,
            "stays": stay_lines(confirmed),
            "left": [s for s in stays if s.status != CONFIRMED],
            "total": sum(s.totalPrice or 0 for s in confirmed),
            "url": reservation_link(reservation, language),
        },
        now=now,
        language=language,
    )
