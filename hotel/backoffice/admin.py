"""The back office on the admin site: the bookings and rate-rule admins and the pages
(dashboard, check-in/out, rack, reports, CSV exports), each with the permission that guards
it. hotel.admin_site autodiscovers this module.
"""

from bookings.models import Booking, RateRule
from hotel.admin_site import site

from . import common, dashboard, rack, reports
from .bookings import BookingAdmin
from .rate_rules import RateRuleAdmin

site.register(Booking, BookingAdmin)
site.register(RateRule, RateRuleAdmin)

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
    "rack/",
    rack.rack_view,
    name="backoffice_rack",
    title="Room rack",
    description="Rooms × the next two weeks, every stay as a bar.",
    allowed=common.may_view_bookings,
    order=20,
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
