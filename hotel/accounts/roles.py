"""Staff roles and the permissions they grant. State machines and grants are data.

A grant is an exact permission (`rooms.add_room`), an app wildcard (`bookings.*`) or `*`.
Permission names follow Django's `<app>.<action>_<model>` so the admin's checks read naturally.
"""

from __future__ import annotations

MANAGER = "manager"
FRONT_DESK = "front_desk"
HOUSEKEEPING = "housekeeping"
ACCOUNTANT = "accountant"

ROLE_LABELS = {
    MANAGER: "Manager",
    FRONT_DESK: "Front desk",
    HOUSEKEEPING: "Housekeeping",
    ACCOUNTANT: "Accountant",
}

ROLE_GRANTS: dict[str, frozenset[str]] = {
    MANAGER: frozenset({"*"}),
    # The desk sees the OTA calendars and syncs them now; managers register and change them.
    FRONT_DESK: frozenset(
        {
            "rooms.view_room",
            "rooms.change_room_status",
            "bookings.*",
            "payments.view_payment",
            "channels.view_channel",
            "channels.sync_channel",
        }
    ),
    HOUSEKEEPING: frozenset({"rooms.view_room", "rooms.change_room_status"}),
    # Accountants cancel (the refunding cancel, payments.services.cancel) to settle a refund
    # dispute, and may choose its amount; they change nothing else about a booking.
    ACCOUNTANT: frozenset(
        {
            "rooms.view_room",
            "bookings.view_booking",
            "bookings.cancel_booking",
            "payments.*",
            "reports.*",
        }
    ),
}

ROLES = tuple(ROLE_GRANTS)


def role_has_perm(role: str, perm: str) -> bool:
    grants = ROLE_GRANTS.get(role, frozenset())
    app_label = perm.split(".", 1)[0]
    return "*" in grants or perm in grants or f"{app_label}.*" in grants


def role_has_module_perms(role: str, app_label: str) -> bool:
    grants = ROLE_GRANTS.get(role, frozenset())
    return "*" in grants or any(g.split(".", 1)[0] == app_label for g in grants)
