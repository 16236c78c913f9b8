from django.urls import path

from .api import views

api_urlpatterns = [
    # Before rooms/<room_id>: "availability" is not a room.
    path("rooms/availability", views.AvailabilityView.as_view(), name="rooms-availability"),
    path("bookings", views.BookingListView.as_view(), name="booking-list"),
    path("bookings/<str:booking_id>", views.BookingDetailView.as_view(), name="booking-detail"),
    path(
        "bookings/<str:booking_id>/status", views.BookingStatusView.as_view(), name="booking-status"
    ),
    path(
        "bookings/<str:booking_id>/cancel", views.BookingCancelView.as_view(), name="booking-cancel"
    ),
    path(
        "bookings/<str:booking_id>/change", views.BookingChangeView.as_view(), name="booking-change"
    ),
]

# Outside /api/. The guest pages are the site's (hotel/site/urls.py).
urlpatterns: list = []
