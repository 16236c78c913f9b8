"""A guest's data as one JSON document (the right of access): the staff action on the
profile / booking page and `GET /api/guests/{id}/export` both call `guest_export`."""

from __future__ import annotations

from datetime import datetime

from hotel.mail import outbox_for_address
from payments.invoices.selectors import invoice_dict

from .gather import BillData, StayData, audit_entries, guest_data
from .hooks import checkin_export

# Never part of an export: secrets that open a booking, not data about the guest.
SECRET_FIELDS = frozenset({"guestTokenHash", "holdSlot"})
INVOICE_NOTE = (
    "Invoices are legal records the hotel must keep unchanged for the statutory period: "
    "they are shown here and are not changed or deleted when the guest's data is erased."
)
PAYMENT_NOTE = (
    "Payments hold the card processor's ids and the card brand only: the hotel never stores "
    "a card number, expiry or CVV."
)


def _value(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, set | frozenset):
        return sorted(value)
    return value


def _plain(item) -> dict:
    """An item's stored attributes as JSON values (JSON attributes as the structures they
    hold, times in ISO 8601 UTC), without the secrets."""
    return {
        name: _value(value)
        for name, value in item.attribute_values.items()
        if name not in SECRET_FIELDS
    }


def _stay_dict(stay: StayData) -> dict:
    booking_id = stay.booking.bookingId
    return {
        "booking": _plain(stay.booking),
        "folio": _plain(stay.folio) if stay.folio else None,
        "folioLines": [_plain(line) for line in stay.lines],
        "payments": [_plain(p) for p in stay.payments],
        "invoices": [invoice_dict(i) for i in stay.invoices],
        "onlineCheckIn": checkin_export(booking_id),
    }


def _bill_dict(bill: BillData) -> dict:
    return {
        "reservationId": bill.reservationId,
        "folio": _plain(bill.folio) if bill.folio else None,
        "folioLines": [_plain(line) for line in bill.lines],
        "invoices": [invoice_dict(i) for i in bill.invoices],
    }


def guest_export(*, profile_id: str, now: datetime) -> dict:
    """Everything the hotel holds about the guest (payments.privacy.gather).
    Raises GuestNotFound, GuestProfileMerged."""
    data = guest_data(profile_id)
    emails = []
    for address in sorted(data.emails):
        emails += [_plain(m) for m in outbox_for_address(address)]
    return {
        "exportedAt": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "profileId": data.profile.profileId,
        "profile": _plain(data.profile),
        "guestKeys": [_plain(k) for k in data.keys],
        "stays": [_stay_dict(stay) for stay in data.stays],
        "reservations": [_plain(r) for r in data.reservations],
        "reservationBills": [_bill_dict(bill) for bill in data.bills],  # the booker pays
        "auditEntries": [_plain(e) for e in audit_entries(data.audit_keys)],
        "queuedEmails": emails,
        "notes": {"invoices": INVOICE_NOTE, "payments": PAYMENT_NOTE},
    }
