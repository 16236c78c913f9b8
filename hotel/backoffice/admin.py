"""The back office on the admin site: the bookings, rate-rule, rate-plan, promo-code
and extras admins and the pages (dashboard, check-in/out, rack, channels, reports, CSV
exports), each with the permission that guards it. hotel.admin_site autodiscovers this module.
"""

from bookings.extras.models import Extra
from bookings.models import Booking, PromoCode, RatePlan, RateRule
from hotel.admin_site import site

from . import (
    blocks,
    channels,
    common,
    dashboard,
    guest_data,
    guests,
    hotel_media,
    hotel_page,
    night_audit,
    rack,
    reports,
    reservations,
    room_desk,
)
from .bookings import BookingAdmin
from .extras import ExtraAdmin
from .promo_codes import PromoCodeAdmin
from .rate_plans import RatePlanAdmin
from .rate_rules import RateRuleAdmin
from .rates_grid import rates_grid_view

site.register(Booking, BookingAdmin)
site.register(RateRule, RateRuleAdmin)
site.register(RatePlan, RatePlanAdmin)
site.register(PromoCode, PromoCodeAdmin)
site.register(Extra, ExtraAdmin)

site.register_page(
    "dashboard/",
    dashboard.dashboard_view,
    name="backoffice_dashboard",
    title="Dashboard",
    description="Today's arrivals, departures and guests in house; occupancy; revenue, "
    "ADR and RevPAR.",
    allowed=common.may_open_dashboard,
    order=10,
)
site.register_page(
    "dashboard/stay/",
    dashboard.stay_transition_view,
    name="backoffice_stay",
    title="Check in / check out",
    allowed=common.may_change_bookings,
    menu=False,
)
site.register_page(
    "dashboard/night-audit/",
    night_audit.night_audit_view,
    name="backoffice_night_audit",
    title="Run night audit",
    allowed=night_audit.may_run_audit,
    menu=False,
)
site.register_page(
    "hotel-page/",
    hotel_page.hotel_page_view,
    name="backoffice_hotel_page",
    title="Hotel page",
    description="What guests see: the hotel's contact, check-in and check-out times, house "
    "rules, how to get here and facilities, in every guest language.",
    allowed=hotel_page.may_edit_hotel_page,
    order=90,
)
site.register_page(
    "hotel-page/photos/",
    hotel_media.hotel_media_view,
    name="backoffice_hotel_media",
    title="Hotel page: photos and map",
    allowed=hotel_page.may_edit_hotel_page,
    menu=False,
)
site.register_page(
    "rack/",
    rack.rack_view,
    name="backoffice_rack",
    title="Room rack",
    description="Rooms by type × two weeks or a month, every stay as a bar; unassigned "
    "bookings in a lane per type.",
    allowed=common.may_view_bookings,
    order=20,
)
site.register_page(
    "rates/",
    rates_grid_view,
    name="backoffice_rates",
    title="Rates grid",
    description="Room types × two weeks under a rate plan: prices, units left and "
    "restrictions; managers change them in bulk.",
    allowed=common.may_view_bookings,
    order=25,
)
site.register_page(
    "blocks/",
    blocks.blocks_view,
    name="backoffice_blocks",
    title="Group blocks",
    description="Rooms held for groups and events: pickup per night, release, rooming lists.",
    allowed=common.may_change_bookings,
    order=27,
)
site.register_page(
    "blocks/block/",
    blocks.block_view,
    name="backoffice_block",
    title="Group block",
    allowed=common.may_change_bookings,
    menu=False,
)
site.register_page(
    "channels/",
    channels.channels_view,
    name="backoffice_channels",
    title="Channels",
    description="OTA calendars (Airbnb, Booking.com, Vrbo) imported per room type: last sync, "
    "sync now, stays sold twice; managers register calendars.",
    allowed=channels.may_view_channels,
    order=28,
)
site.register_page(
    "channels/channel/",
    channels.channel_view,
    name="backoffice_channel",
    title="Channel",
    allowed=channels.may_view_channels,
    menu=False,
)
site.register_page(
    "channels/sync/",
    channels.channel_sync_view,
    name="backoffice_channel_sync",
    title="Sync a channel",
    allowed=channels.may_sync_channels,
    menu=False,
)
site.register_page(
    "rooms/assign/",
    room_desk.rooms_assign_view,
    name="backoffice_rooms_assign",
    title="Assign rooms",
    allowed=common.may_change_bookings,
    menu=False,
)
site.register_page(
    "rooms/booking/",
    room_desk.booking_room_view,
    name="backoffice_booking_room",
    title="Booking room",
    allowed=common.may_change_bookings,
    menu=False,
)
site.register_page(
    "reports/",
    reports.reports_view,
    name="backoffice_reports",
    title="Reports and exports",
    description="CSV files of bookings, payments and daily occupancy for a period.",
    allowed=common.may_view_reports,
    order=40,
)
site.register_page(
    "reports/<str:kind>.csv",
    reports.export_view,
    name="backoffice_export",
    title="CSV export",
    allowed=common.may_view_reports,
    menu=False,
)
site.register_page(
    "guests/",
    guests.guests_view,
    name="backoffice_guests",
    title="Guests",
    description="Search guests and bookings by name, email, phone or reference; guest "
    "profiles with their stays, preferences and notes.",
    allowed=common.may_view_bookings,
    order=15,
)
site.register_page(
    "guests/<str:profile_id>/",
    guests.guest_view,
    name="backoffice_guest",
    title="Guest profile",
    allowed=common.may_view_bookings,
    menu=False,
)
site.register_page(
    "guests/<str:profile_id>/edit/",
    guests.guest_edit_view,
    name="backoffice_guest_edit",
    title="Edit guest profile",
    allowed=common.may_change_bookings,
    menu=False,
)
site.register_page(
    "guests/<str:profile_id>/merge/",
    guests.guest_merge_view,
    name="backoffice_guest_merge",
    title="Merge guest profiles",
    allowed=common.may_change_bookings,
    menu=False,
)
site.register_page(
    "booking-guest/<str:booking_id>/",
    guests.booking_guest_view,
    name="backoffice_booking_guest",
    title="Edit guest details",
    allowed=common.may_change_bookings,
    menu=False,
)
site.register_page(
    "guests/<str:profile_id>/export/",
    guest_data.guest_export_view,
    name="backoffice_guest_export",
    title="Export guest data",
    allowed=guest_data.may_export_guest,
    menu=False,
)
site.register_page(
    "guests/<str:profile_id>/erase/",
    guest_data.guest_erase_view,
    name="backoffice_guest_erase",
    title="Erase guest data",
    allowed=guest_data.may_erase_guest,
    menu=False,
)
site.register_page(
    "reservations/<str:reservation_id>/",
    reservations.reservation_view,
    name="backoffice_reservation",
    title="Reservation",
    allowed=common.may_view_bookings,
    menu=False,
)
site.register_page(
    "reservations/<str:reservation_id>/folio/<slug:op>/",
    reservations.reservation_folio_view,
    name="backoffice_reservation_folio",
    title="Reservation bill",
    allowed=common.may_view_bookings,  # each form checks its own role (folio_desk.OPERATIONS)
    menu=False,
)
site.register_page(
    "reservations/<str:reservation_id>/cancel/",
    reservations.reservation_cancel_view,
    name="backoffice_reservation_cancel",
    title="Cancel every stay",
    allowed=reservations.may_cancel_bookings,
    menu=False,
)
