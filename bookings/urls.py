from django.urls import path

from .api import views
from .calendars import room_calendar_view

api_urlpatterns = [
    # Before rooms/<room_id>: "availability" is not a room.
    path("rooms/availability", views.AvailabilityView.as_view(), name="rooms-availability"),
    path("bookings", views.BookingListView.as_view(), name="booking-list"),
    # bookings/<booking_id> (detail, status, cancel, change) involve money: payments/urls.py.
]

# Outside /api/: the per-room iCal feed that OTA calendars import (bookings/calendars.py). The
# guest pages are the site's (hotel/site/urls.py).
urlpatterns = [
    path(
        "calendars/rooms/<str:room_id>/<str:token>.ics",
        room_calendar_view,
        name="room-calendar",
    ),
]
