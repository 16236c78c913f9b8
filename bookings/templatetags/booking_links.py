"""`{% manage_url booking %}`: the signed, absolute "manage my booking" link (for emails)."""

from __future__ import annotations

from django import template

from bookings.links import manage_url as _manage_url

register = template.Library()


@register.simple_tag
def manage_url(booking) -> str:
    return _manage_url(booking_id=booking.bookingId)
