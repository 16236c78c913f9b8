"""The payments function's URL conf (HOTEL_FUNCTION=payments): the payments API, refunds,
cancellation quotes and the Stripe webhook (hotel.function_urls). The money endpoints on one
booking or reservation come along with payments' patterns; CloudFront sends those paths to
the bookings function, whose conf has them too."""

from django.urls import include, path

from hotel.function_urls import health, not_found, server_error
from payments.urls import api_urlpatterns as payments_api
from payments.urls import urlpatterns as payments_urls

urlpatterns = [health, path("api/", include(payments_api)), *payments_urls]

handler404 = not_found
handler500 = server_error
