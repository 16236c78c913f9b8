"""A room's out-of-order periods, under /api/rooms/: served by the bookings app's views but
routed (infra.functions) to the rooms function, whose URL conf (hotel.urls_rooms) takes
these patterns without the rest of the bookings API."""

from django.urls import path

from .out_of_order_views import RoomOutOfOrderDetailView, RoomOutOfOrderView

urlpatterns = [
    path(
        "rooms/<str:room_id>/out-of-order",
        RoomOutOfOrderView.as_view(),
        name="room-out-of-order",
    ),
    path(
        "rooms/<str:room_id>/out-of-order/<str:period_id>",
        RoomOutOfOrderDetailView.as_view(),
        name="room-out-of-order-detail",
    ),
]
