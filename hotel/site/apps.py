from django.apps import AppConfig


class SiteConfig(AppConfig):
    """An installed app so that its template tag library (guest_prices) is found."""

    name = "hotel.site"
    label = "hotel_site"
    verbose_name = "Guest site"
