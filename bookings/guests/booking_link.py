"""A booking's `profileId` written without touching the booking's version.

Booking.version guards the stay itself (dates, room, price, status, guest details): every
service and staff form is conditional on it. Which profile a booking belongs to is none of
that, and it is written by event handlers right after the booking is made or confirmed, so
bumping the version there would make a desk's open booking page stale for no change it
could see. This view of the bookings table has only the key and `profileId`; its writes are
conditional on what `profileId` was. Not registered: the table is Booking's.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from hotel.dynamo import meta


class BookingProfileLink(Model):
    Meta = meta("bookings")

    bookingId = UnicodeAttribute(hash_key=True)
    profileId = UnicodeAttribute(null=True)


def booking_profile_set(
    tx: TransactWrite, *, booking_id: str, profile_id: str | None, previous: str | None
) -> None:
    """Add to `tx`: the booking's profileId becomes `profile_id` (None: removed), on the
    condition that the booking exists and its profileId is still `previous`."""
    item = BookingProfileLink(bookingId=booking_id)
    condition = BookingProfileLink.bookingId.exists() & (
        BookingProfileLink.profileId.does_not_exist()
        if previous is None
        else BookingProfileLink.profileId == previous
    )
    action = (
        BookingProfileLink.profileId.set(profile_id)
        if profile_id is not None
        else BookingProfileLink.profileId.remove()
    )
    tx.update(item, actions=[action], condition=condition)
