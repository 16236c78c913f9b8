"""The pay page's tests (test_pay.py) meet localstripe with the payment fixtures: a bookable
room, pending bookings and the Stripe client for the guest's side. They are defined once, in
tests/payments/conftest.py; this makes them visible here too."""

from tests.payments.conftest import make_booking, room, stripe_side  # noqa: F401  (fixtures)
