from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        # Register the system checks and subscribe the guest email handlers.
        from . import checks, emails  # noqa: F401
