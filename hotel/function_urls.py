"""What the URL confs of the split deployment's functions share (hotel.urls_rooms,
hotel.urls_payments; infra.functions says which paths CloudFront sends each).

A function that serves only part of the API has a URL conf with only that part, so its init
imports its own views and not the others', the admin or the guest site (`make bench` times
each function's cold start). The bookings function, CloudFront's default route, keeps the
whole conf (hotel.urls): its pages link to every part. The errors are always in the API's
JSON shape here: these functions serve no page. settings.FUNCTION_URLCONFS picks the conf
by HOTEL_FUNCTION, which each split Zappa stage sets.
"""

from __future__ import annotations

from django.urls import path

from hotel.api.responses import response_for
from hotel.errors import InternalError, NoSuchEndpoint
from hotel.views import healthz

health = path("healthz", healthz, name="healthz")


def not_found(request, exception=None):
    return response_for(NoSuchEndpoint(), request)


def server_error(request):
    return response_for(InternalError(), request)
