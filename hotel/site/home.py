"""The guest site's home page: the room types (as staff describe them) and the search form."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from rooms.room_types import room_types_for_sale

from .common import policy_lines
from .forms import SearchForm


@require_safe
def home(request):
    return render(
        request,
        "site/home.html",
        {
            "hotel_name": settings.HOTEL_NAME,
            "room_types": room_types_for_sale(),
            "form": SearchForm(now=timezone.now()),
            "policy": policy_lines(),
        },
    )
