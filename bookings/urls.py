from django.urls import path

from . import views as views_pages
from .api import views
from .calendars import room_calendar_view

api_urlpatterns = [
    # Before rooms/<room_id>: "availability" is not a room.
    path("rooms/availability", views.AvailabilityView.as_view(), name="rooms-availability"),
    path("bookings", views.BookingListView.as_view(), name="booking-list"),
    # bookings/<booking_id> (detail, status, cancel, change) involve money: payments/urls.py.
]

# Guest pages (templates/site/). A booking is reached by its signed token only.
urlpatterns = [
    path("search", views_pages.search, name="site-search"),
    path("book/<str:room_id>", views_pages.book, name="site-book"),
    path("booking/find", views_pages.lookup, name="booking-find"),
    path("booking/<str:token>/", views_pages.manage, name="booking-manage"),
    path("booking/<str:token>/cancel", views_pages.cancel, name="booking-cancel-page"),
    path("booking/<str:token>/change", views_pages.change, name="booking-change-page"),
    # The per-room iCal feed that OTA calendars import (bookings/calendars.py).
    path(
        "calendars/rooms/<str:room_id>/<str:token>.ics",
        room_calendar_view,
        name="room-calendar",
    ),
]
