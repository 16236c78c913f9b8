import sys

from django.apps import AppConfig

from hotel import snapstart


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        # Register the system checks, subscribe the guest email handlers and the no-show
        # fee's record.
        from bookings.services import (
            booking_cancel_guard_register,
            booking_checkout_guard_register,
        )

        from . import checks, emails, no_show  # noqa: F401
        from .folio import changes as folio_changes  # noqa: F401
        from .folio import events as folio_events  # noqa: F401
        from .folio.checkout import refuse_checkout_with_balance
        from .invoices import emails as invoice_emails  # noqa: F401
        from .services import refuse_plain_cancel_of_paid
        from .webhooks import payment_webhooks_register

        # A paid booking is cancelled only with its refund (payments.services.cancel).
        booking_cancel_guard_register(refuse_plain_cancel_of_paid)
        # No check-out while the guest owes money, unless a manager overrides.
        booking_checkout_guard_register(refuse_checkout_with_balance)
        # Payments, refunds and invoices as signed webhooks for integrators (hotel.webhooks).
        payment_webhooks_register()
        # A SnapStart init of a function that serves payments makes the provider before the
        # snapshot (hotel.snapstart.prime).
        snapstart.primer_register(_provider_if_served)


def _provider_if_served() -> None:
    if "payments.api.views" in sys.modules:  # this function's URL conf serves payments
        from .providers import get_provider

        get_provider()
