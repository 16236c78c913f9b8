from django.urls import path

from .api import (
    assign_views,
    block_views,
    channel_views,
    checkin_views,
    extra_views,
    guest_views,
    rate_plan_views,
    reservation_views,
    views,
)
from .api.ari_views import AriView
from .api.out_of_order_urls import urlpatterns as out_of_order_urlpatterns
from .api.rate_calendar_views import RateCalendarView
from .calendars import room_calendar_view, room_type_calendar_view

api_urlpatterns = [
    # Before rooms/<room_id>: "availability" is not a room.
    path("rooms/availability", views.AvailabilityView.as_view(), name="rooms-availability"),
    *out_of_order_urlpatterns,
    path("bookings", views.BookingListView.as_view(), name="booking-list"),
    path(
        "bookings/<str:booking_id>/room",
        assign_views.BookingRoomView.as_view(),
        name="booking-room",
    ),
    path("room-assignments", assign_views.RoomAssignmentsView.as_view(), name="room-assignments"),
    path("rate-plans", rate_plan_views.RatePlanListView.as_view(), name="rate-plan-list"),
    path(
        "rate-plans/<str:rate_plan>",
        rate_plan_views.RatePlanDetailView.as_view(),
        name="rate-plan-detail",
    ),
    path("promo-codes", rate_plan_views.PromoCodeListView.as_view(), name="promo-code-list"),
    path(
        "promo-codes/<str:code>",
        rate_plan_views.PromoCodeDetailView.as_view(),
        name="promo-code-detail",
    ),
    path("rate-calendar", RateCalendarView.as_view(), name="rate-calendar"),
    path("extras", extra_views.ExtraListView.as_view(), name="extra-list"),
    path("extras/<str:code>", extra_views.ExtraDetailView.as_view(), name="extra-detail"),
    path(
        "bookings/<str:booking_id>/extras",
        extra_views.BookingExtrasView.as_view(),
        name="booking-extras",
    ),
    path(
        "bookings/<str:booking_id>/online-check-in",
        checkin_views.OnlineCheckInView.as_view(),
        name="booking-online-check-in",
    ),
    path("reservations", reservation_views.ReservationListView.as_view(), name="reservation-list"),
    path(
        "bookings/<str:booking_id>/guest",
        guest_views.BookingGuestView.as_view(),
        name="booking-guest",
    ),
    path("guests", guest_views.GuestListView.as_view(), name="guest-list"),
    path("guests/<str:profile_id>", guest_views.GuestDetailView.as_view(), name="guest-detail"),
    path(
        "guests/<str:profile_id>/merge",
        guest_views.GuestMergeView.as_view(),
        name="guest-merge",
    ),
    path("ari", AriView.as_view(), name="ari"),
    path("channels", channel_views.ChannelListView.as_view(), name="channel-list"),
    path(
        "channels/<str:channel_id>",
        channel_views.ChannelDetailView.as_view(),
        name="channel-detail",
    ),
    path(
        "channels/<str:channel_id>/sync",
        channel_views.ChannelSyncView.as_view(),
        name="channel-sync",
    ),
    path("blocks", block_views.BlockListView.as_view(), name="block-list"),
    path("blocks/<str:code>", block_views.BlockDetailView.as_view(), name="block-detail"),
    path("blocks/<str:code>/release", block_views.BlockReleaseView.as_view(), name="block-release"),
    path(
        "blocks/<str:code>/rooming-list",
        block_views.RoomingListView.as_view(),
        name="block-rooming-list",
    ),
    # bookings/<booking_id> (detail, status, cancel, change) involve money: payments/urls.py;
    # so do reservations/<reservation_id> (detail, cancel).
]

# Outside /api/: the per-room and per-type iCal feeds that OTA calendars import
# (bookings/calendars.py). The guest pages are the site's (hotel/site/urls.py).
urlpatterns = [
    path(
        "calendars/rooms/<str:room_id>/<str:token>.ics",
        room_calendar_view,
        name="room-calendar",
    ),
    path(
        "calendars/room-types/<str:room_type>/<str:token>.ics",
        room_type_calendar_view,
        name="room-type-calendar",
    ),
]
