"""Online check-in data (bookings.checkin.models.Registration: address, nationality, ID
document, signature, the typed name) in a guest's export and erasure.

Its audit entries are the booking's ("bookings.booking"), which the erasure already scrubs.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from bookings.checkin.models import Registration
from bookings.checkin.rules import mask_id_number

# Personal attributes of a registration: blanked by an erasure (arrivalTime, checkOut and
# the timestamps say nothing about who the guest is, and stay).
REGISTRATION_PERSONAL = (
    "addressLine",
    "city",
    "postalCode",
    "country",
    "nationality",
    "idType",
    "idNumber",
    "signatureKind",
    "signature",
    "typedName",
    "purgeDay",  # nothing left to purge: out of the retention job's index
)


def _mask(number: str | None) -> str:
    """The ID number as every page shows it ("•••• 1234"): an export leaves the building."""
    return mask_id_number(number)


def checkin_export(booking_id: str) -> list[dict]:
    """The booking's online check-in registration (ID number masked, signature image left
    out), or [] when there is none."""
    model = Registration
    try:
        item = model.get(booking_id, consistent_read=True)
    except DoesNotExist:
        return []
    data = {
        name: value.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(value, datetime) else value
        for name, value in item.attribute_values.items()
    }
    if data.get("idNumber"):
        data["idNumber"] = _mask(data["idNumber"])
    if data.get("signature"):
        data["signature"] = "(signature image on file)"
    return [data]


def checkin_erase(booking_id: str, *, now: datetime) -> int:
    """Blank the booking's online check-in registration (REGISTRATION_PERSONAL); returns 1
    when it changed something, else 0. Idempotent."""
    model = Registration
    try:
        item = model.get(booking_id, consistent_read=True)
    except DoesNotExist:
        return 0
    present = [name for name in REGISTRATION_PERSONAL if getattr(item, name, None)]
    if not present:
        return 0
    actions = [getattr(model, name).remove() for name in present]
    if item.idNumber and not item.idErasedAt:
        actions.append(model.idErasedAt.set(now))
    item.update(actions=actions)
    return 1
