"""Template tags for guest emails.

`{% manage_url booking %}`: the signed, absolute "manage my booking" link, in the language
being rendered (reverse() gives /de/… under hotel.languages.in_language).
`{{ booking|room_type_name }}`: the name guests know the booking's room type by, in the
language being rendered, never the hotel's code for it.
`{% booking_terms booking as terms %}`: its cancellation deadlines, charges and no-show fee.
"""

from __future__ import annotations

import logging

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pynamodb.exceptions import PynamoDBException

from bookings.links import manage_url as _manage_url
from bookings.policy_words import booking_terms as _booking_terms
from hotel.languages import translated
from rooms.room_types import room_types_all

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag
def manage_url(booking) -> str:
    return _manage_url(booking_id=booking.bookingId)


@register.simple_tag
def site_home() -> str:
    """`{% site_home as url %}`: the guest site's home page, absolute, in the language being
    rendered (/de/ for German)."""
    return f"{settings.HOTEL_SITE_URL}{reverse('home')}"


@register.simple_tag
def booking_terms(booking) -> list[str]:
    """`{% booking_terms booking as terms %}`: the stay's dated terms (cancellation deadlines,
    what is charged when, what a no-show costs; bookings.policy_words), in the language
    being rendered and as of now."""
    return _booking_terms(booking, now=timezone.now())


@register.filter
def room_type_name(value) -> str:
    """The display name of a booking's room type (`value`: a booking, or a type's code), in
    the language being rendered (staff's translation, else the default language's name).

    Read from this process's copy of the room types (rooms.room_types, cached while the
    catalog stamp is unchanged: one small read per use, not one per type). A type that is
    gone, or a read that fails, shows the code: an email is never lost over a name.
    """
    code = getattr(value, "roomType", value)
    if not code:
        return ""
    code = str(code)
    try:
        names = {t.roomType: translated(t, "name") for t in room_types_all(cached=True)}
    except PynamoDBException:
        logger.exception("Could not read the room types; the email names type %s by code", code)
        return code
    return names.get(code) or code
