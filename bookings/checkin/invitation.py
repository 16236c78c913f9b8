"""The pre-arrival email's marker (Registration.invitedAt) when a stay's arrival moves.

invitations_send (bookings.checkin.services) writes the marker, conditionally, before it
sends: one email per booking. A guest who moves the stay after it went out must get it again
before the new arrival, so the date change (bookings.services.change) forgets the marker in
its own transaction: the marker it read is removed on the condition that it is still that
one; with none read, the transaction checks there is still none (the job may send meanwhile:
the change then fails its condition, is read again and forgets that one).

Nothing is written when there is no marker: DynamoDB's UpdateItem creates a missing item,
even to remove an attribute, and a registration nobody made must not appear.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from .models import Registration


def invitation_read(booking_id: str) -> datetime | None:
    """When the pre-arrival email went out for the booking (None: not sent)."""
    try:
        item = Registration.get(booking_id, consistent_read=True, attributes_to_get=["invitedAt"])
    except DoesNotExist:
        return None
    return item.invitedAt


def invitation_forget(tx: TransactWrite, *, booking_id: str, invited_at: datetime | None) -> None:
    """In a date change's transaction: remove the marker read as `invited_at`, so the job
    sends the email again before the new arrival; with none read, check there is still none
    (the transaction fails, to be read again, if the job sent it meanwhile)."""
    if invited_at is None:
        tx.condition_check(
            Registration, booking_id, condition=Registration.invitedAt.does_not_exist()
        )
        return
    tx.update(
        Registration(bookingId=booking_id),
        actions=[Registration.invitedAt.remove()],
        condition=Registration.invitedAt == invited_at,
    )
