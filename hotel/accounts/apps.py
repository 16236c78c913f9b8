from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hotel.accounts"
    label = "accounts"
    verbose_name = "Staff and access"

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI extension)
