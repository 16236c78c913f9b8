from django.apps import AppConfig


class HotelConfig(AppConfig):
    """The project package as an app: project-wide commands (sync_tables) and templates."""

    name = "hotel"
    verbose_name = "Hotel"
