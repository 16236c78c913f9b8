"""The project's admin site (Django's AdminSite over PynamoDB models). Apps register in admin.py."""

from django.utils.module_loading import autodiscover_modules

from hotel.accounts.forms import StaffLoginForm, StaffPasswordChangeForm
from hotel.dynamo_admin import DynamoAdminSite


class HotelAdminSite(DynamoAdminSite):
    site_header = "Hotel back office"
    site_title = "Hotel admin"
    index_title = "Overview"
    login_form = StaffLoginForm
    password_change_form = StaffPasswordChangeForm
    # After login (without a page to return to): the dashboard, or for room attendants the
    # housekeeping board; pages registered by hotel/backoffice/admin.py and rooms/admin.py.
    landing_pages = ("backoffice_dashboard", "backoffice_housekeeping")


site = HotelAdminSite(name="admin")
autodiscover_modules("admin", register_to=site)
