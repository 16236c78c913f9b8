from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hotel.accounts"
    label = "accounts"
    verbose_name = "Staff and access"
    # The OpenAPI extension (schema.py) is imported by hotel.api.schema.HotelSchemaGenerator, the
    # schema generator, not here: it would pull drf-spectacular's generator into every cold start.
