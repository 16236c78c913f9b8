"""The site's error pages (handler404, handler500); /api/ paths keep the JSON error shape."""

from __future__ import annotations

from django.shortcuts import render

from hotel.api.responses import response_for
from hotel.errors import InternalError, NoSuchEndpoint
from hotel.middleware import is_api_path


def page_not_found(request, exception=None):
    """handler404: the site's look for pages; the JSON error shape for /api/."""
    if is_api_path(request):
        return response_for(NoSuchEndpoint(), request)
    return render(request, "site/404.html", status=404)


def server_error(request):
    """handler500: renders without touching DynamoDB (it may be what failed)."""
    if is_api_path(request):
        return response_for(InternalError(), request)
    request.dynamo_down = True  # the hotel's page from this process's copy (hotel.contact)
    return render(
        request,
        "site/500.html",
        {"request_id": getattr(request, "request_id", "")},
        status=500,
    )
