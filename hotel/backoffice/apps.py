from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """Installed for its admin.py (autodiscovered by hotel.admin_site)."""

    name = "hotel.backoffice"
    label = "hotel_backoffice"
    verbose_name = "Back office"
