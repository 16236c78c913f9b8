from django.urls import path

from .api.room_type_views import RoomTypeDetailView, RoomTypeListView
from .api.views import RoomDetailView, RoomListView

app_name = "rooms"

api_urlpatterns = [
    path("rooms", RoomListView.as_view(), name="room-list"),
    path("rooms/<str:room_id>", RoomDetailView.as_view(), name="room-detail"),
    path("room-types", RoomTypeListView.as_view(), name="room-type-list"),
    path("room-types/<str:room_type>", RoomTypeDetailView.as_view(), name="room-type-detail"),
]

# Nothing outside /api/: the per-room iCal feed is a calendar of booked nights, served by
# bookings (bookings.calendars, bookings/urls.py).
urlpatterns: list = []
