from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hotel.accounts"
    label = "accounts"
    verbose_name = "Staff and access"
