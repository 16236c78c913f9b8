"""How guests reach the hotel and when they arrive and leave: the template context of the
guest site's pages and of every email, from the hotel's page (hotel.profile; the settings'
HOTEL_NAME, HOTEL_PHONE, HOTEL_ADDRESS and HOTEL_EMAIL until a manager saves it), in the
active language."""

from __future__ import annotations

import re

from hotel.profile import hotel_profile


def hotel_contact(*, read: bool = True) -> dict:
    """`read=False`: from this process's copy only (an error page when DynamoDB failed)."""
    profile = hotel_profile(read=read)
    phone = profile.phone.strip()
    return {
        "hotel_name": profile.name,
        "hotel_phone": phone,
        # tel: links take digits and a leading +; spaces, dots and brackets are dropped.
        "hotel_phone_uri": "tel:" + re.sub(r"(?!^\+)[^\d]", "", phone) if phone else "",
        "hotel_address": profile.address.strip(),
        "hotel_email": profile.email.strip(),
        "check_in_from": profile.check_in_from,
        "check_out_until": profile.check_out_until,
        "hotel": profile,
    }
