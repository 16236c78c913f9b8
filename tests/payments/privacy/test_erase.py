"""Erasure on request (payments.privacy.erase): no trace of the guest in any table but the
invoice, idempotent, finishing after a crash, refused while the guest stays or owes."""

from __future__ import annotations

import pytest

from bookings.guests.merge import profile_merge
from bookings.guests.models import GuestKey, GuestProfile
from bookings.guests.services import profile_find_or_create
from bookings.models import Booking
from bookings.reservations.models import Reservation
from hotel.audit.selectors import audit_for_object
from hotel.mail import OutboxEmail
from payments.folio.desk import folio_charge
from payments.folio.models import Folio, FolioLine
from payments.invoices.models import Invoice
from payments.privacy import erase as erase_module
from payments.privacy.erase import guest_erase
from payments.privacy.exceptions import (
    GuestBalanceOpen,
    GuestInHouse,
    GuestNotFound,
    GuestStayUpcoming,
)
from payments.privacy.scrub import ERASED_NAME

from ..conftest import now
from .conftest import (
    DESK,
    EMAIL,
    NAME,
    OTHER_EMAIL,
    OTHER_NAME,
    PHONE,
    PROFILE_ID,
    _book,
    _move,
    profile_made,
    traces,
)

MANAGER = "manager@staff.test"


def erase(**over):
    return guest_erase(
        profile_id=over.pop("profile_id", PROFILE_ID),
        reason=over.pop("reason", f"Written request from {NAME}"),
        actor=MANAGER,
        now=now(),
        **over,
    )


def test_after_erasure_the_name_and_email_are_in_no_table_but_the_invoices(guest_world):
    before = traces(NAME, EMAIL)
    assert {
        "GuestProfile",
        "GuestKey",
        "Booking",
        "Reservation",
        "Folio",
        "FolioLine",
        "Invoice",
        "AuditEntry",
        "OutboxEmail",
    } <= set(before)  # the test can fail: the guest is everywhere before
    assert traces(PHONE)

    result = erase()

    assert set(traces(NAME, EMAIL)) == {"Invoice"}
    assert set(traces(PHONE)) <= {"Invoice"}
    assert traces(OTHER_NAME) and traces(OTHER_EMAIL)  # nobody else's data went
    assert result["invoicesKept"] == [guest_world.invoice_number]
    assert set(result["bookings"]) == {
        guest_world.paid.bookingId,
        guest_world.reserved.bookingId,
        guest_world.by_email.bookingId,
    }


def test_erasure_anonymises_each_object_and_keeps_the_invoice(guest_world):
    invoice_before = Invoice.get(guest_world.invoice_number).to_simple_dict()

    erase()

    profile = GuestProfile.get(PROFILE_ID)
    assert profile.name == ERASED_NAME and profile.email is None and profile.phone is None
    assert profile.address is None and profile.notes == "" and profile.erasedAt is not None
    assert profile.bookingIds[-1] == guest_world.by_email.bookingId  # linked for a re-run
    booking = Booking.get(guest_world.paid.bookingId)
    assert (booking.guestName, booking.guestEmail, booking.guestPhone, booking.notes) == (
        ERASED_NAME,
        None,
        None,
        "",
    )
    assert list(Booking.by_guest.query(EMAIL)) == []  # the index forgot the guest
    assert Booking.get(guest_world.other.bookingId).guestName == OTHER_NAME
    payer = Folio.get(guest_world.paid.bookingId).folios[0]["payer"]
    assert payer["name"] == ERASED_NAME and payer["email"] == ""
    lines = [line.description for line in FolioLine.query(guest_world.paid.bookingId)]
    assert "Room service for [erased]" in lines
    reservation = Reservation.get(guest_world.reservation.reservationId)
    assert reservation.bookerName == ERASED_NAME and reservation.bookerEmail is None
    assert reservation.notes == ""
    # Every key that finds the guest is gone; what is left of theirs is the stays' ledger
    # ("stay#<bookingId>": counted once, no personal data), and the other guest's keys stay.
    left = [k for k in GuestKey.scan() if k.profileId == PROFILE_ID]
    assert left and all(k.key.startswith("stay#") and k.name is None for k in left)
    assert any(k.name == OTHER_NAME for k in GuestKey.scan())
    assert Invoice.get(guest_world.invoice_number).to_simple_dict() == invoice_before
    [entry] = [
        e
        for e in audit_for_object(object_type="guests.profile", object_id=PROFILE_ID)
        if e.action == "erase"
    ]
    assert entry.actor == MANAGER and entry.after["reason"] == "Written request from [erased]"
    assert entry.after["invoicesKept"] == [guest_world.invoice_number]
    assert all(OTHER_EMAIL in m.to for m in OutboxEmail.scan())  # the other guest's remain


def test_erasing_again_writes_nothing_and_answers_the_same(guest_world):
    first = erase()
    snapshot = traces("erase")

    again = erase()

    assert again["alreadyErased"] is True and first["alreadyErased"] is False
    assert again["erasedAt"] == first["erasedAt"] and again["bookings"] == first["bookings"]
    assert traces("erase") == snapshot  # no new audit entry, no new write


def test_a_rerun_after_a_crash_finishes_the_job(guest_world, monkeypatch):
    real = erase_module._erase_booking
    calls = []

    def crash_on_second(stay, *args, **kwargs):
        calls.append(stay.booking.bookingId)
        if len(calls) == 2:
            raise RuntimeError("Lambda timed out")
        return real(stay, *args, **kwargs)

    monkeypatch.setattr(erase_module, "_erase_booking", crash_on_second)
    with pytest.raises(RuntimeError):
        erase()
    assert GuestProfile.get(PROFILE_ID).erasedAt is None  # not finished
    monkeypatch.setattr(erase_module, "_erase_booking", real)

    erase()

    assert set(traces(NAME, EMAIL)) == {"Invoice"}
    assert GuestProfile.get(PROFILE_ID).erasedAt is not None


def test_erasure_is_refused_while_the_guest_is_in_house(guest_world):
    _move(_book("R-2", start=10), "confirmed", "checked-in")

    with pytest.raises(GuestInHouse) as refused:
        erase()

    assert refused.value.status_code == 409 and refused.value.code == "GUEST_IN_HOUSE"
    assert GuestProfile.get(PROFILE_ID).name == NAME  # nothing written
    assert Booking.get(guest_world.paid.bookingId).guestName == NAME


def test_erasure_is_refused_with_a_stay_to_come(guest_world):
    _book("R-2", start=10)  # pending

    with pytest.raises(GuestStayUpcoming):
        erase()


def test_erasure_is_refused_while_a_bill_is_open(guest_world):
    folio_charge(
        booking_id=guest_world.by_email.bookingId,
        description="Late minibar",
        amount=1200,
        actor=DESK,
        now=now(),
    )

    with pytest.raises(GuestBalanceOpen) as refused:
        erase()

    assert refused.value.details["bookingId"] == guest_world.by_email.bookingId
    assert Booking.get(guest_world.by_email.bookingId).guestName == NAME


def test_a_check_in_racing_the_erasure_stops_it_in_the_booking_transaction(make_room):
    """The refusal read said "over"; the booking changed before its write: the transaction's
    condition (status over, version) refuses, the re-read refuses with the real reason."""
    make_room(roomId="R-1", pricePerNight=10000)
    booking = _move(_book("R-1", start=0), "confirmed")
    profile_made(booking_ids=[booking.bookingId])
    from payments.privacy.gather import guest_data

    stay = guest_data(PROFILE_ID).stays[0]
    stay.booking.status, stay.folio = "cancelled", None  # what a stale read would have seen
    _move(Booking.get(booking.bookingId), "checked-in")

    with pytest.raises(GuestInHouse):
        erase_module._erase_booking(
            stay,
            frozenset({NAME.lower()}),
            profile_id=PROFILE_ID,
            actor=MANAGER,
            now=now(),
            request_id=None,
        )

    assert Booking.get(booking.bookingId).guestName == NAME


def test_an_unknown_profile_is_not_found():
    with pytest.raises(GuestNotFound):
        erase(profile_id="GP-NOPE")


def _keys_left(*needles: str) -> list[GuestKey]:
    return [k for k in GuestKey.scan() if any(n in str(k.to_simple_dict()) for n in needles)]


def test_erasing_a_merged_profile_deletes_the_duplicates_contact_keys_too(make_room):
    """A merge re-points the duplicate's claims ("email#ada@home…") to the target: the
    target's own email does not find them, its bookings' (and the duplicate's) contacts do."""
    make_room(roomId="R-1", pricePerNight=10000)
    home = _book("R-1", start=0, email="ada@home.test", guest_phone="+44 7700 900777")
    work = _book("R-1", start=3, email="ada@work.test")
    dup, keep = Booking.get(home.bookingId).profileId, Booking.get(work.bookingId).profileId
    assert dup and keep and dup != keep
    for booking in (home, work):
        _move(Booking.get(booking.bookingId), "cancelled")
    profile_merge(profile_id=dup, into=keep, actor=MANAGER, now=now())
    assert GuestKey.get("email#ada@home.test", "#").profileId == keep  # the test can fail

    erase(profile_id=keep)

    left = _keys_left("ada@home.test", "ada@work.test", "+447700900777", keep, dup)
    assert all(k.key.startswith("stay#") and k.name is None for k in left), left
    # The duplicate kept its own name and contacts when it was merged: blanked with it, and
    # nothing of the guest is left anywhere but the invoices (there are none here).
    duplicate = GuestProfile.get(dup)
    assert duplicate.email is None and duplicate.phone is None and duplicate.erasedAt
    assert traces("ada@home.test", "ada@work.test", "+447700900777") == {}


def test_erasure_finds_the_keys_of_a_merged_profile_that_had_no_bookings(make_room):
    make_room(roomId="R-1", pricePerNight=10000)
    work = _move(_book("R-1", start=3, email="ada@work.test"), "cancelled")
    keep = Booking.get(work.bookingId).profileId
    dup = profile_find_or_create(
        name=NAME, email="ada@home.test", phone="+44 7700 900777", now=now()
    ).profileId
    profile_merge(profile_id=dup, into=keep, actor=MANAGER, now=now())

    erase(profile_id=keep)

    assert _keys_left("ada@home.test", "ada@work.test", "+447700900777", keep) == []
