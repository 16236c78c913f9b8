from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Outbound webhooks (subscriptions, deliveries); the domain apps register their types."""

    name = "hotel.webhooks"
    label = "webhooks"  # permissions read webhooks.change_webhook (managers: "*")
    verbose_name = "Webhooks"

    def ready(self):
        from . import models  # noqa: F401  (their tables)
