"""API key scopes of the bookings API (hotel.api.scopes).

Integrators search and read rates (availability:read), read bookings (bookings:read), and
create, change or cancel them (bookings:write). The desk's and the managers' work stays
staff only: room assignment, out-of-order periods, rate plans' and extras' changes, promo
codes, guest profiles, online check-in data, channels and group blocks.
"""

from hotel.api.scopes import (
    AVAILABILITY_READ,
    BOOKINGS_READ,
    BOOKINGS_WRITE,
    STAFF_ONLY,
    register,
)

register(
    {
        ("rooms-availability", "POST"): AVAILABILITY_READ,
        ("rate-calendar", "GET"): AVAILABILITY_READ,
        ("rate-plan-list", "GET"): AVAILABILITY_READ,
        ("rate-plan-detail", "GET"): AVAILABILITY_READ,
        ("extra-list", "GET"): AVAILABILITY_READ,
        ("extra-detail", "GET"): AVAILABILITY_READ,
        ("ari", "GET"): AVAILABILITY_READ,
        ("booking-list", "GET"): BOOKINGS_READ,
        ("booking-list", "POST"): BOOKINGS_WRITE,
        ("reservation-list", "POST"): BOOKINGS_WRITE,
        ("booking-extras", "POST"): BOOKINGS_WRITE,
        ("booking-guest", "PATCH"): BOOKINGS_WRITE,
        ("room-out-of-order", "POST"): STAFF_ONLY,
        ("room-out-of-order-detail", "DELETE"): STAFF_ONLY,
        ("booking-room", "PUT"): STAFF_ONLY,
        ("booking-room", "DELETE"): STAFF_ONLY,
        ("room-assignments", "POST"): STAFF_ONLY,
        ("rate-plan-list", "POST"): STAFF_ONLY,
        ("rate-plan-detail", "PUT"): STAFF_ONLY,
        ("rate-plan-detail", "PATCH"): STAFF_ONLY,
        ("rate-plan-detail", "DELETE"): STAFF_ONLY,
        ("promo-code-list", "GET"): STAFF_ONLY,
        ("promo-code-list", "POST"): STAFF_ONLY,
        ("promo-code-detail", "GET"): STAFF_ONLY,
        ("promo-code-detail", "PUT"): STAFF_ONLY,
        ("promo-code-detail", "PATCH"): STAFF_ONLY,
        ("promo-code-detail", "DELETE"): STAFF_ONLY,
        ("rate-calendar", "PUT"): STAFF_ONLY,
        ("extra-list", "POST"): STAFF_ONLY,
        ("extra-detail", "PUT"): STAFF_ONLY,
        ("extra-detail", "PATCH"): STAFF_ONLY,
        ("extra-detail", "DELETE"): STAFF_ONLY,
        ("booking-online-check-in", "GET"): STAFF_ONLY,  # ID documents, masked or not
        ("booking-online-check-in", "POST"): STAFF_ONLY,  # the guest's, with their token
        ("guest-list", "GET"): STAFF_ONLY,
        ("guest-detail", "GET"): STAFF_ONLY,
        ("guest-detail", "PATCH"): STAFF_ONLY,
        ("guest-merge", "POST"): STAFF_ONLY,
        ("channel-list", "GET"): STAFF_ONLY,
        ("channel-list", "POST"): STAFF_ONLY,
        ("channel-detail", "GET"): STAFF_ONLY,
        ("channel-detail", "PATCH"): STAFF_ONLY,
        ("channel-sync", "POST"): STAFF_ONLY,
        ("block-list", "GET"): STAFF_ONLY,
        ("block-list", "POST"): STAFF_ONLY,
        ("block-detail", "GET"): STAFF_ONLY,
        ("block-detail", "PATCH"): STAFF_ONLY,
        ("block-release", "POST"): STAFF_ONLY,
        ("block-rooming-list", "POST"): STAFF_ONLY,
    },
    grants={
        # The rate calendar and the ARI feed let in staff who read bookings.
        AVAILABILITY_READ: ("bookings.view_booking",),
        BOOKINGS_READ: ("bookings.view_booking",),
        # add_booking: a booking or reservation made as staff make them (a phone booking's
        # hold, a `source`), not as an anonymous guest.
        BOOKINGS_WRITE: ("bookings.add_booking", "bookings.change_booking"),
    },
)
