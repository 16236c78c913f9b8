"""Staff edit a booking's guest details: name, email, phone, the number of guests (adults,
children's ages) within what the room (or its type) takes, and the special requests (notes).

One transaction writes the booking (conditional on the version read) and its audit entry
with before and after. A new email or phone re-links the booking to the profile it finds
(or a new one). A number of guests that would change the price is refused
(GuestCountChangesPrice): booking_change re-prices dates, rooms and types, not occupancy.
"""

from __future__ import annotations

from datetime import date, datetime

from hotel import events
from hotel.dynamo import commit
from hotel.errors import DomainError, StaleObject, ValidationFailed
from rooms.selectors import room_get

from ..exceptions import InvalidTransition, TooManyGuests
from ..models import LIVE_STATUSES, Booking
from ..services.common import booking_audit, booking_read, booking_snapshot, event_detail
from ..services.stay import type_read
from ..services.validation import guest_fields_validate
from ..stay_pricing import stay_quote
from .booking_link import booking_profile_set
from .exceptions import GuestCountChangesPrice
from .keys import email_normalise, phone_normalise
from .services import profile_link_booking, profile_unlink_booking

FIELDS = ("guestName", "guestEmail", "guestPhone", "adults", "childrenAges", "notes")


def booking_guest_edit(
    *,
    booking_id: str,
    changes: dict,
    actor: str,
    now: datetime,
    expected_version: int | None = None,
    request_id: str | None = None,
) -> Booking:
    """Apply `changes` (keys of FIELDS, camelCase) to the booking's guest details; audited.

    Raises BookingNotFound, InvalidTransition (cancelled, expired, checked out, no-show),
    ValidationFailed, TooManyGuests, GuestCountChangesPrice, StaleObject."""
    for _ in range(4):
        booking = booking_read(booking_id)
        if expected_version is not None and expected_version != booking.version:
            raise StaleObject()
        if booking.status not in LIVE_STATUSES:
            raise InvalidTransition(
                f"Booking {booking_id} is {booking.status}: its guest details are final."
            )
        before = booking_snapshot(booking)
        old_contacts = (booking.guestEmail, phone_normalise(booking.guestPhone))
        _apply(booking, changes, now=now)
        entry = booking_audit(booking, "guest", before, actor, now, request_id)
        booking.updatedAt = now

        def build(tx, booking=booking, entry=entry):
            tx.save(booking)  # conditional on the version read (VersionAttribute)
            tx.save(entry)

        if commit(build):
            break
        if expected_version is not None:
            raise StaleObject()
    else:
        raise StaleObject()
    new_contacts = (booking.guestEmail, phone_normalise(booking.guestPhone))
    if new_contacts != old_contacts and booking.profileId:
        _relink(booking, now=now)
    elif new_contacts != old_contacts:
        profile_link_booking(booking_id=booking_id, now=now)
    events.publish(events.BookingChanged, **event_detail(booking), previous=before)
    return Booking.get(booking_id, consistent_read=True)


def _apply(booking: Booking, changes: dict, *, now: datetime) -> None:
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ValidationFailed(details={"fields": {n: ["Not a guest detail."] for n in unknown}})
    cleaned = guest_fields_validate(
        guest_name=changes.get("guestName", booking.guestName),
        guest_email=changes.get("guestEmail", booking.guestEmail),
        guest_phone=changes.get("guestPhone", booking.guestPhone),
        source="front_desk",
    )
    errors: dict[str, list[str]] = {}
    adults = changes.get("adults", booking.adults if booking.adults is not None else booking.guests)
    ages = changes.get("childrenAges", booking.childrenAges or [])
    if not isinstance(adults, int) or isinstance(adults, bool) or adults < 1:
        errors["adults"] = ["At least one adult."]
    if not isinstance(ages, list) or any(
        not isinstance(a, int) or isinstance(a, bool) or not 0 <= a <= 17 for a in ages
    ):
        errors["childrenAges"] = ["A list of ages from 0 to 17."]
    notes = changes.get("notes", booking.notes)
    if not isinstance(notes, str) or len(notes) > 1000:
        errors["notes"] = ["At most 1000 characters."]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    count_changed = adults != (
        booking.adults if booking.adults is not None else booking.guests
    ) or list(ages) != [int(a) for a in booking.childrenAges or []]
    if count_changed:
        _guest_count_check(booking, adults=adults, ages=list(ages), now=now)
    booking.guestName = cleaned["guestName"]
    booking.guestEmail = email_normalise(cleaned["guestEmail"])
    booking.guestPhone = cleaned["guestPhone"]
    booking.notes = notes


def _guest_count_check(booking: Booking, *, adults: int, ages: list[int], now: datetime) -> None:
    """Within the room's (or type's) limit, and at the same price; sets the counts."""
    guests = adults + len(ages)
    limit = room_get(room_id=booking.roomId).capacity if booking.roomId else None
    kind = type_read(booking.roomType)
    limit = min(filter(None, [limit, kind.maxGuests]))
    if guests > limit:
        raise TooManyGuests(
            f"This room takes up to {limit} guests.",
            details={"fields": {"adults": [f"At most {limit} guests in all."]}},
        )
    dates = {"check_in": _day(booking.checkIn), "check_out": _day(booking.checkOut)}
    try:
        before = stay_quote(booking=booking, now=now, **dates)
        booking.adults, booking.childrenAges, booking.guests = adults, ages, guests
        after = stay_quote(booking=booking, now=now, **dates)
    except DomainError as exc:
        raise GuestCountChangesPrice(
            "The stay cannot be re-priced to check the new number of guests "
            f"({exc.message}); keep the count."
        ) from exc
    if (after.total, after.city_tax) != (before.total, before.city_tax):
        raise GuestCountChangesPrice(
            details={"priceNow": before.total, "priceWithNewCount": after.total}
        )


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _relink(booking: Booking, *, now: datetime) -> None:
    """The contacts changed: the booking leaves its profile and joins the one they find."""
    old = booking.profileId

    def build(tx):
        booking_profile_set(tx, booking_id=booking.bookingId, profile_id=None, previous=old)

    if commit(build):
        profile_unlink_booking(profile_id=old, booking_id=booking.bookingId, now=now)
    profile_link_booking(booking_id=booking.bookingId, now=now)
