"""The rooms function's URL conf (HOTEL_FUNCTION=rooms): the room catalogue and room types
API and a room's out-of-order periods (hotel.function_urls)."""

from django.urls import include, path

from bookings.api.out_of_order_urls import urlpatterns as out_of_order
from hotel.function_urls import health, not_found, server_error
from rooms.urls import api_urlpatterns as rooms_api

urlpatterns = [health, path("api/", include([*out_of_order, *rooms_api]))]

handler404 = not_found
handler500 = server_error
