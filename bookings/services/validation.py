"""The input rules of a booking: a bookable stay and the guest's contact fields.

Pure (today is a parameter): the API serializers and the forms ask the same rules before
they call a service, so a guest sees every field's problem in one answer.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from hotel.errors import ValidationFailed

from ..exceptions import StayTooLong
from ..models import SOURCES

PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{6,25}$")


def stay_validate(*, check_in: date, check_out: date, today: date) -> None:
    """Raise ValidationFailed / StayTooLong unless [check_in, check_out) is a bookable stay.
    The words are in the active language: a guest page's, English for the API."""
    errors: dict[str, list[str]] = {}
    if check_in < today:
        errors["checkIn"] = [_("Check-in cannot be in the past.")]
    if check_out <= check_in:
        errors["checkOut"] = [_("Check-out must be after check-in.")]
    horizon = today + timedelta(days=settings.HOTEL_BOOKING_HORIZON_DAYS)
    if check_in > horizon:
        errors.setdefault("checkIn", []).append(
            _("Bookings open %(n)s days ahead.") % {"n": settings.HOTEL_BOOKING_HORIZON_DAYS}
        )
    if errors:
        raise ValidationFailed(_("These dates cannot be booked."), details={"fields": errors})
    nights = (check_out - check_in).days
    if nights > settings.HOTEL_MAX_STAY_NIGHTS:
        raise StayTooLong(
            _(
                "A booking can be at most %(max)s nights (this one is %(n)s). Split longer "
                "stays into several bookings."
            )
            % {"max": settings.HOTEL_MAX_STAY_NIGHTS, "n": nights},
            details={"maxNights": settings.HOTEL_MAX_STAY_NIGHTS, "nights": nights},
        )


def guest_fields_validate(
    *, guest_name: str, guest_email: str | None, guest_phone: str | None, source: str
) -> dict:
    """The guest's fields, cleaned ({"guestName", "guestEmail", "guestPhone"}).

    Raises ValidationFailed with every field's problem."""
    errors: dict[str, list[str]] = {}
    name = (guest_name or "").strip()
    if not 1 <= len(name) <= 120:
        errors["guestName"] = [_("Enter the guest's name (at most 120 characters).")]
    email = (guest_email or "").strip().lower() or None
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["guestEmail"] = [_("Enter a valid email address.")]
    elif source != "front_desk":
        errors["guestEmail"] = [_("An email is needed to send the confirmation.")]
    phone = (guest_phone or "").strip() or None
    if phone and not PHONE_RE.match(phone):
        errors["guestPhone"] = [_("Enter a phone number (digits, spaces, + and dashes).")]
    if source not in SOURCES:
        errors["source"] = [f"Choose one of: {', '.join(SOURCES)}."]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    return {"guestName": name, "guestEmail": email, "guestPhone": phone}
