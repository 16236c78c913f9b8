"""API key scopes of the rooms API (hotel.api.scopes): integrators read the catalogue;
changing it stays with managers."""

from hotel.api.scopes import ROOMS_READ, STAFF_ONLY, register

register(
    {
        ("room-list", "GET"): ROOMS_READ,
        ("room-detail", "GET"): ROOMS_READ,
        ("room-type-list", "GET"): ROOMS_READ,
        ("room-type-detail", "GET"): ROOMS_READ,
        ("room-list", "POST"): STAFF_ONLY,
        ("room-detail", "PUT"): STAFF_ONLY,
        ("room-detail", "PATCH"): STAFF_ONLY,
        ("room-detail", "DELETE"): STAFF_ONLY,
        ("room-type-list", "POST"): STAFF_ONLY,
        ("room-type-detail", "PUT"): STAFF_ONLY,
        ("room-type-detail", "PATCH"): STAFF_ONLY,
        ("room-type-detail", "DELETE"): STAFF_ONLY,
    },
    # The staff shape of a room (its housekeeping state), as staff who read rooms see it.
    grants={ROOMS_READ: ("rooms.view_room",)},
)
