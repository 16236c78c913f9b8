"""Guest-facing pages of the rooms domain."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from .selectors import room_types_summary


def home(request):
    return render(
        request,
        "site/home.html",
        {"hotel_name": settings.HOTEL_NAME, "room_types": room_types_summary()},
    )
