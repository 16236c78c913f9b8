"""Template tags for guest emails.

`{% manage_url booking %}`: the signed, absolute "manage my booking" link, in the language
being rendered (reverse() gives /de/… under hotel.languages.in_language).
`{{ booking|room_type_name }}`: the name guests know the booking's room type by, never the
hotel's code for it.
"""

from __future__ import annotations

import logging

from django import template
from pynamodb.exceptions import PynamoDBException

from bookings.links import manage_url as _manage_url
from rooms.room_types import room_types_all

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag
def manage_url(booking) -> str:
    return _manage_url(booking_id=booking.bookingId)


@register.filter
def room_type_name(value) -> str:
    """The display name of a booking's room type (`value`: a booking, or a type's code).

    Read from this process's copy of the room types (rooms.room_types, cached while the
    catalog stamp is unchanged: one small read per use, not one per type). A type that is
    gone, or a read that fails, shows the code: an email is never lost over a name.
    """
    code = getattr(value, "roomType", value)
    if not code:
        return ""
    code = str(code)
    try:
        names = {t.roomType: t.name for t in room_types_all(cached=True)}
    except PynamoDBException:
        logger.exception("Could not read the room types; the email names type %s by code", code)
        return code
    return names.get(code) or code
