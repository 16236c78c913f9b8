"""Online check-in data (bookings.checkin.models.Registration: address, nationality, ID
document, signature, the typed name) in a guest's export and erasure.

The registration table comes with the online check-in work, built beside this one; these
functions name it and import it when called, so they find nothing until it is merged and
cover it from then on without a change anywhere else. Its audit entries are the booking's
("bookings.booking"), which the erasure already scrubs.
"""

from __future__ import annotations

import importlib
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

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


def _registration_model():
    try:
        return importlib.import_module("bookings.checkin.models").Registration
    except (ImportError, AttributeError):
        return None  # online check-in not merged yet


def _mask(number: str | None) -> str:
    """The ID number as every page shows it ("•••• 1234"): an export leaves the building."""
    return f"•••• {number[-4:]}" if number else ""


def checkin_export(booking_id: str) -> list[dict]:
    """The booking's online check-in registration (ID number masked, signature image left
    out), or [] when there is none."""
    model = _registration_model()
    if model is None:
        return []
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
    model = _registration_model()
    if model is None:
        return 0
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
