from django.urls import path

from .api.views import RoomDetailView, RoomListView
from .ical import room_calendar_view

app_name = "rooms"

api_urlpatterns = [
    path("rooms", RoomListView.as_view(), name="room-list"),
    path("rooms/<str:room_id>", RoomDetailView.as_view(), name="room-detail"),
]

# Outside /api/: the per-room iCal feed that OTA calendars import (rooms/ical.py).
urlpatterns = [
    path(
        "calendars/rooms/<str:room_id>/<str:token>.ics",
        room_calendar_view,
        name="room-calendar",
    ),
]
