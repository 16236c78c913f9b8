"""Project-wide tables, imported here so the app registry (and sync_tables) sees them."""

from hotel.idempotency import IdempotencyKey  # noqa: F401
from hotel.mail import OutboxEmail  # noqa: F401
from hotel.stamps import Stamp  # noqa: F401
from hotel.throttle import ThrottleCounter  # noqa: F401
