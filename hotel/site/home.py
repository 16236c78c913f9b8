"""The guest site's home page: the hotel's page (hotel.profile: who it is, arriving and
leaving, house rules, getting there, facilities), the room types (as staff describe them),
the search form, and the hotel as schema.org data (hotel.site.seo)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from hotel.profile import hotel_profile
from rooms.room_types import room_types_for_sale

from .common import policy_lines
from .forms import SearchForm
from .seo import hotel_json_ld


@require_safe
def home(request):
    room_types = room_types_for_sale()
    profile = hotel_profile()
    return render(
        request,
        "site/home.html",
        {
            "room_types": room_types,
            "form": SearchForm(now=timezone.now()),
            "policy": policy_lines(),
            "json_ld": hotel_json_ld(request, profile, room_types),
        },
    )
