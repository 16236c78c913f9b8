"""Guest-site pages of the rooms domain (the home page) and the site's error pages."""

from __future__ import annotations

import logging

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from bookings.forms import SearchForm
from bookings.views import policy_lines
from hotel.api.responses import error_response
from hotel.contact import hotel_contact
from hotel.middleware import is_api_path

from .selectors import room_types_summary

logger = logging.getLogger("hotel.site")


def site_context(request) -> dict:
    """Template context of every guest page (a context processor): the hotel's name and how
    to reach it."""
    return hotel_contact()


@require_safe
def home(request):
    return render(
        request,
        "site/home.html",
        {
            "hotel_name": settings.HOTEL_NAME,
            "room_types": room_types_summary(),
            "form": SearchForm(now=timezone.now()),
            "policy": policy_lines(),
        },
    )


def page_not_found(request, exception=None):
    """handler404: the site's look for pages; the JSON error shape for /api/."""
    if is_api_path(request):
        return error_response(
            request, status=404, code="NOT_FOUND", message="No such API endpoint."
        )
    return render(request, "site/404.html", {"hotel_name": settings.HOTEL_NAME}, status=404)


def server_error(request):
    """handler500: renders without touching DynamoDB (it may be what failed)."""
    if is_api_path(request):
        return error_response(
            request, status=500, code="INTERNAL_ERROR", message="Something went wrong on our side."
        )
    return render(
        request,
        "site/500.html",
        {"hotel_name": settings.HOTEL_NAME, "request_id": getattr(request, "request_id", "")},
        status=500,
    )
