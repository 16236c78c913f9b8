from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self):
        # A room with live stays cannot be deleted: rooms asks, without importing bookings.
        # The guest email handlers (a hold's pay link) subscribe to the domain events.
        # A change in the rooms a type can sell moves the nights' counters (rooms.stock).
        from rooms.stock import stock_shifter_register
        from rooms.usage import room_in_use_check_register, room_type_in_use_check_register

        from . import emails  # noqa: F401
        from .capacity import stock_shift
        from .channels import models as channel_models  # noqa: F401  (their tables)
        from .guests import handlers  # noqa: F401  (bookings linked to guest profiles)
        from .reservations import emails as reservation_emails  # noqa: F401
        from .room_state import room_live_bookings
        from .type_usage import room_type_live_bookings
        from .webhooks import booking_webhooks_register

        room_in_use_check_register(room_live_bookings)
        room_type_in_use_check_register(room_type_live_bookings)
        stock_shifter_register(stock_shift)
        # Which booking events integrators get as signed webhooks (hotel.webhooks).
        booking_webhooks_register()
