"""Signed "manage my booking" links: the guest's key to a booking on the web pages.

A link carries the booking reference and an HMAC-SHA256 of it (django.core.signing, keyed
by SECRET_KEY with its own salt), so it keeps working without storing anything and cannot
be forged or guessed: without the secret key, a reference alone reaches nothing. Rotating
SECRET_KEY (keeping the old one in SECRET_KEY_FALLBACKS for a while) retires old links.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .exceptions import BookingNotFound

SALT = "bookings.manage-link.v1"
MAX_TOKEN_LENGTH = 200


def manage_token(*, booking_id: str) -> str:
    """The signed token for a booking: "<reference>:<signature>"."""
    return signing.Signer(salt=SALT).sign(booking_id)


def booking_id_from_token(*, token: str) -> str:
    """The reference a token was signed for. Raises BookingNotFound for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise BookingNotFound()
    try:
        return signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature as exc:
        raise BookingNotFound() from exc


def manage_path(*, booking_id: str) -> str:
    return reverse("booking-manage", kwargs={"token": manage_token(booking_id=booking_id)})


def manage_url(*, booking_id: str) -> str:
    """The absolute link for emails (settings.HOTEL_SITE_URL + the manage page)."""
    return f"{settings.HOTEL_SITE_URL}{manage_path(booking_id=booking_id)}"


# A reservation's page (hotel/site/checkout.py): its own salt, so a booking's token never
# opens a reservation nor the other way round.
RESERVATION_SALT = "hotel.site.reservation-link.v1"


def reservation_token(*, reservation_id: str) -> str:
    """The signed token for a reservation's page: "<reference>:<signature>"."""
    return signing.Signer(salt=RESERVATION_SALT).sign(reservation_id)


def reservation_id_from_token(*, token: str) -> str | None:
    """The reservation a token was signed for, or None for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        return signing.Signer(salt=RESERVATION_SALT).unsign(token)
    except signing.BadSignature:
        return None


def reservation_url(*, reservation_id: str) -> str:
    """The reservation page's absolute link for emails (one pay link for every stay)."""
    token = reservation_token(reservation_id=reservation_id)
    return f"{settings.HOTEL_SITE_URL}{reverse('site-reservation', kwargs={'token': token})}"
