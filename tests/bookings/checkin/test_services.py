"""Online check-in: the registration and the booking's mark in one conditional transaction,
every field's problem in one answer, the window, and the ID number kept out of the audit."""

import json
import threading
from datetime import timedelta

import pytest

from bookings.checkin.models import Registration
from bookings.checkin.rules import mask_id_number, registration_clean
from bookings.checkin.services import CheckInClosed, registration_get, registration_submit
from bookings.models import Booking
from bookings.services import booking_transition
from hotel.audit.selectors import audit_for_object
from hotel.errors import ValidationFailed
from tests.conftest import NOW

from .conftest import signature_png


def submit(booking, data, now=NOW):
    return registration_submit(booking_id=booking.bookingId, data=data, actor="guest", now=now)


def test_checking_in_online_stores_the_registration_and_marks_the_booking(confirmed, form):
    booking = confirmed()
    registration = submit(booking, form)

    stored = Registration.get(booking.bookingId, consistent_read=True)
    assert stored.idNumber == "18AB67891234"  # normalised: no spaces
    assert stored.nationality == "FR" and stored.arrivalTime == "15:30"
    assert stored.typedName == "Ada Guest" and stored.signatureKind == "typed"
    assert stored.purgeDay == (booking.checkOut and "2026-04-10")  # check-out 03-11 + 30
    assert registration_get(booking_id=booking.bookingId).submittedAt == registration.submittedAt
    assert Booking.get(booking.bookingId, consistent_read=True).preCheckedInAt == NOW


def test_the_id_number_is_never_in_the_audit_trail(confirmed, form):
    booking = confirmed()
    submit(booking, form)
    entries = audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)
    checkin = [e for e in entries if e.action == "checkin:online"]
    assert len(checkin) == 1
    dumped = json.dumps([e.after for e in entries] + [e.changes for e in entries], default=str)
    assert "67891234" not in dumped and "1234" not in dumped


def test_a_drawn_signature_is_kept_as_a_png_data_url(confirmed, form):
    booking = confirmed()
    png = signature_png()
    submit(booking, {**form, "signatureKind": "drawn", "signature": png, "typedName": ""})
    stored = Registration.get(booking.bookingId, consistent_read=True)
    assert stored.signature == png and stored.typedName is None


def test_every_field_problem_comes_in_one_answer(confirmed):
    booking = confirmed()
    with pytest.raises(ValidationFailed) as caught:
        submit(booking, {"signatureKind": "drawn", "signature": "data:image/gif;base64,AAAA"})
    fields = caught.value.details["fields"]
    assert set(fields) == {
        "arrivalTime",
        "addressLine",
        "city",
        "postalCode",
        "country",
        "nationality",
        "idType",
        "idNumber",
        "signature",
    }
    assert Booking.get(booking.bookingId).preCheckedInAt is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"arrivalTime": "25:00"}, "arrivalTime"),
        ({"country": "XX"}, "country"),
        ({"nationality": "france"}, "nationality"),
        ({"idType": "library_card"}, "idType"),
        ({"idNumber": "12"}, "idNumber"),
        ({"idNumber": "AB<script>"}, "idNumber"),
        ({"confirm": False}, "confirm"),
        ({"typedName": ""}, "typedName"),
        (
            {"signatureKind": "drawn", "signature": "data:image/png;base64," + "A" * 70000},
            "signature",
        ),
        (
            {"signatureKind": "drawn", "signature": "data:image/png;base64,bm90IGEgcG5n"},
            "signature",
        ),
    ],
)
def test_a_bad_field_is_named(form, change, field):
    _values, errors = registration_clean({**form, **change})
    assert set(errors) == {field}


def test_the_window_opens_a_week_before_arrival_and_closes_after_the_arrival_day(confirmed, form):
    booking = confirmed(start=1)  # arrives in 8 days
    with pytest.raises(CheckInClosed, match="opens 7 days"):
        submit(booking, form)
    submit(booking, form, now=NOW + timedelta(days=1))  # 7 days before: open
    submit(booking, form, now=NOW + timedelta(days=8))  # the arrival day: open
    with pytest.raises(CheckInClosed, match="closed"):
        submit(booking, form, now=NOW + timedelta(days=9))


def test_a_pending_or_checked_in_booking_cannot_check_in_online(make_booking, room, form):
    pending = make_booking().booking
    with pytest.raises(CheckInClosed):
        submit(pending, form)
    booking_transition(booking_id=pending.bookingId, to_status="confirmed", actor="t", now=NOW)
    booking_transition(
        booking_id=pending.bookingId, to_status="checked-in", actor="t", now=NOW + timedelta(7)
    )
    with pytest.raises(CheckInClosed):
        submit(pending, form, now=NOW + timedelta(days=7))
    assert not Registration.count()


def test_submitting_again_replaces_the_registration(confirmed, form):
    booking = confirmed()
    submit(booking, form)
    submit(booking, {**form, "arrivalTime": "21:00", "idNumber": "ZX998877"})
    stored = Registration.get(booking.bookingId, consistent_read=True)
    assert (stored.arrivalTime, stored.idNumber) == ("21:00", "ZX998877")


def test_online_check_in_racing_the_desk_check_in_leaves_no_half_state(confirmed, form):
    """The guest submits while the clerk checks the guest in: either the registration and the
    mark land before the check-in, or the guest is refused and nothing is stored."""
    for _round in range(3):
        booking = confirmed()
        results = {}

        def guest(booking=booking, results=results):
            try:
                submit(booking, form, now=NOW + timedelta(days=7))
                results["guest"] = "ok"
            except CheckInClosed:
                results["guest"] = "closed"

        def desk(booking=booking):
            booking_transition(
                booking_id=booking.bookingId,
                to_status="checked-in",
                actor="t",
                now=NOW + timedelta(days=7),
                override_housekeeping=True,  # the last round's guest left the room dirty
            )

        threads = [threading.Thread(target=guest), threading.Thread(target=desk)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stored = Booking.get(booking.bookingId, consistent_read=True)
        assert stored.status == "checked-in"
        has_registration = registration_get(booking_id=booking.bookingId) is not None
        assert has_registration == (results["guest"] == "ok")
        assert (stored.preCheckedInAt is not None) == has_registration
        booking_transition(
            booking_id=booking.bookingId,
            to_status="checked-out",
            actor="t",
            now=NOW + timedelta(days=9),
        )


def test_the_mask_shows_the_last_four_only():
    assert mask_id_number("18AB67891234") == "•••• 1234"
    assert mask_id_number(None) == ""
