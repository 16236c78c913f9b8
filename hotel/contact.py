"""How guests reach the hotel (HOTEL_PHONE, HOTEL_ADDRESS, HOTEL_EMAIL): the template context
of the guest site's pages and of every email."""

from __future__ import annotations

import re

from django.conf import settings


def hotel_contact() -> dict[str, str]:
    phone = settings.HOTEL_PHONE.strip()
    return {
        "hotel_name": settings.HOTEL_NAME,
        "hotel_phone": phone,
        # tel: links take digits and a leading +; spaces, dots and brackets are dropped.
        "hotel_phone_uri": "tel:" + re.sub(r"(?!^\+)[^\d]", "", phone) if phone else "",
        "hotel_address": settings.HOTEL_ADDRESS.strip(),
        "hotel_email": settings.HOTEL_EMAIL.strip(),
    }
