"""A booking's `profileId` written without touching the booking's version.

Booking.version guards the stay itself (dates, room, price, status, guest details): every
service and staff form is conditional on it. Which profile a booking belongs to is none of
that, and it is written by event handlers right after the booking is made or confirmed, so
bumping the version there would make a desk's open booking page stale for no change it
could see. This view of the bookings table has only the key and `profileId`; its writes are
conditional on what `profileId` was. Not registered: the table is Booking's; its single
writes and reads still go through the shared connection (share_connection on use).
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from hotel.dynamo import meta, share_connection


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
    action, condition = _set(profile_id, previous)
    tx.update(item, actions=[action], condition=condition)


def booking_profile_point(*, booking_id: str, profile_id: str, previous: str | None) -> bool:
    """The same as one single write (an UpdateItem, not a transaction: half the cost): the
    booking's profileId becomes `profile_id` if the booking exists and its profileId is still
    `previous`. False when that condition failed (the booking changed, or is gone)."""
    action, condition = _set(profile_id, previous)
    share_connection(BookingProfileLink)  # not registered: routed on first use
    try:
        BookingProfileLink(bookingId=booking_id).update(actions=[action], condition=condition)
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
        return False
    return True


def booking_profile_now(booking_id: str) -> str | None:
    """The booking's profileId as stored now (a consistent read of that one attribute)."""
    share_connection(BookingProfileLink)
    try:
        return BookingProfileLink.get(
            booking_id, consistent_read=True, attributes_to_get=["profileId"]
        ).profileId
    except BookingProfileLink.DoesNotExist:
        return None


def _set(profile_id: str | None, previous: str | None):
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
    return action, condition
