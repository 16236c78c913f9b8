"""The project's admin site (Django's AdminSite over PynamoDB models). Apps register in admin.py."""

from django.utils.module_loading import autodiscover_modules

from hotel.dynamo_admin import DynamoAdminSite


class HotelAdminSite(DynamoAdminSite):
    site_header = "Hotel back office"
    site_title = "Hotel admin"
    index_title = "Overview"


site = HotelAdminSite(name="admin")
autodiscover_modules("admin", register_to=site)
