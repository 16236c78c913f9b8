"""Online check-in data in the export and the erasure (payments.privacy.hooks)."""

from __future__ import annotations

from bookings.checkin import models as checkin_models
from payments.privacy.export import guest_export
from payments.privacy.hooks import checkin_erase

from ..conftest import now
from .conftest import NAME, PROFILE_ID, _book, _move, profile_made, traces


def test_the_registration_is_exported_masked_and_erased(make_room):
    make_room(roomId="R-1", pricePerNight=10000)
    booking = _move(_book("R-1", start=0), "cancelled")
    checkin_models.Registration(
        bookingId=booking.bookingId,
        addressLine="12 St James's Square",
        city="London",
        nationality="GB",
        idType="passport",
        idNumber="X1234567",
        signatureKind="typed",
        typedName=NAME,
        purgeDay="2027-01-01",
        submittedAt=now(),
    ).save()
    profile_made(booking_ids=[booking.bookingId])

    [stay] = guest_export(profile_id=PROFILE_ID, now=now())["stays"]
    [registration] = stay["onlineCheckIn"]
    assert registration["idNumber"] == "•••• 4567" and registration["typedName"] == NAME

    assert checkin_erase(booking.bookingId, now=now()) == 1
    assert checkin_erase(booking.bookingId, now=now()) == 0  # idempotent
    item = checkin_models.Registration.get(booking.bookingId)
    assert (item.idNumber, item.typedName, item.addressLine, item.purgeDay) == (None,) * 4
    assert item.idErasedAt is not None
    assert "Registration" not in traces(NAME, "X1234567", "St James")
