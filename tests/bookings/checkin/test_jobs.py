"""The schedules around online check-in: the ID erasure N days after check-out (exactly
when due, never before, and a re-run changes nothing) and the invitation two days before
arrival (once per booking)."""

from datetime import date, timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from bookings.checkin.models import Registration
from bookings.checkin.services import ids_erase_due, invitations_send, registration_submit
from bookings.models import Booking
from bookings.services import booking_change, hotel_today
from hotel.audit.selectors import audit_for_object
from hotel.templatetags.dates import format_day
from tests.conftest import NOW

# Day 0 (a week after NOW) is 2026-03-09; a two-night stay checks out on 03-11.
CHECK_OUT_DAY = NOW + timedelta(days=9)


def registered(confirmed, form, **kw):
    booking = confirmed(**kw)
    registration_submit(booking_id=booking.bookingId, data=form, actor="guest", now=NOW)
    return booking


def stored(booking):
    return Registration.get(booking.bookingId, consistent_read=True)


def test_the_id_is_erased_exactly_when_due_and_a_rerun_changes_nothing(confirmed, form, settings):
    settings.HOTEL_ID_RETENTION_DAYS = 30
    booking = registered(confirmed, form)
    assert stored(booking).purgeDay == "2026-04-10"

    day_before = CHECK_OUT_DAY + timedelta(days=29)  # 2026-04-09
    assert ids_erase_due(now=day_before).erased == 0
    assert stored(booking).idNumber == "18AB67891234"

    due = CHECK_OUT_DAY + timedelta(days=30)
    assert ids_erase_due(now=due).erased == 1
    after = stored(booking)
    assert (after.idNumber, after.idType, after.typedName, after.signature) == (None,) * 4
    assert after.purgeDay is None and after.idErasedAt == due
    # What the desk needs to keep (address, nationality, arrival) stays.
    assert (after.nationality, after.city) == ("FR", "Lyon")

    assert ids_erase_due(now=due).erased == 0  # idempotent
    assert ids_erase_due(now=due + timedelta(days=1)).erased == 0
    assert stored(booking).idErasedAt == due
    entries = audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)
    assert [e.action for e in entries].count("checkin:id-erased") == 1


def test_a_missed_run_catches_up_on_the_next(confirmed, form):
    booking = registered(confirmed, form)
    late = CHECK_OUT_DAY + timedelta(days=33)
    assert ids_erase_due(now=late).erased == 1
    assert stored(booking).idNumber is None


def test_a_stay_moved_later_keeps_its_id_until_its_new_check_out_plus_retention(confirmed, form):
    booking = registered(confirmed, form)
    booking_change(
        booking_id=booking.bookingId,
        check_in=date(2026, 3, 9),
        check_out=date(2026, 3, 13),  # two nights more
        actor="t",
        now=NOW,
    )
    first_due = CHECK_OUT_DAY + timedelta(days=30)
    run = ids_erase_due(now=first_due)
    assert (run.erased, run.postponed) == (0, 1)
    assert stored(booking).purgeDay == "2026-04-12"
    assert ids_erase_due(now=first_due + timedelta(days=2)).erased == 1


def test_the_management_command_erases_due_ids(confirmed, form, settings):
    # The command reads the real clock: make the retention of a stay that left on
    # 2026-03-03 end today.
    today = hotel_today(timezone.now())
    settings.HOTEL_ID_RETENTION_DAYS = (today - date(2026, 3, 3)).days
    booking = registered(confirmed, form, start=-7, nights=1)
    call_command("erase_expired_ids")
    assert stored(booking).idNumber is None


def test_guests_arriving_in_two_days_are_invited_once(confirmed, make_booking, make_room):
    make_room(roomId="R-2", capacity=2)
    make_room(roomId="R-3", capacity=2)
    arriving = confirmed(start=-5)  # 2026-03-04: two days after NOW
    confirmed(start=-4, room_id="R-2")  # three days away: not yet
    make_booking(start=-5, room_id="R-3")  # pending: not invited
    mail.outbox.clear()

    assert invitations_send(now=NOW) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@guest.test"]
    assert arriving.bookingId in message.subject
    assert "/booking/" in message.body and "Check in online" in message.body

    assert invitations_send(now=NOW) == 0
    assert invitations_send(now=NOW + timedelta(hours=3)) == 0
    assert len(mail.outbox) == 1
    assert stored(arriving).invitedAt == NOW


def test_an_invited_guest_who_checks_in_keeps_the_invitation_marker(confirmed, form):
    booking = confirmed(start=-5)
    invitations_send(now=NOW)
    registration_submit(booking_id=booking.bookingId, data=form, actor="guest", now=NOW)
    item = stored(booking)
    assert item.invitedAt == NOW and item.submittedAt == NOW


def test_a_guest_who_already_checked_in_online_gets_the_pre_arrival_email_without_the_invite(
    confirmed, form
):
    booking = confirmed(start=-5)
    registration_submit(booking_id=booking.bookingId, data=form, actor="guest", now=NOW)
    mail.outbox.clear()
    assert invitations_send(now=NOW) == 1
    (message,) = mail.outbox
    assert message.subject.startswith("See you on") and booking.bookingId in message.subject
    assert "You have checked in online" in message.body
    assert "Save time at the desk" not in message.body
    assert invitations_send(now=NOW) == 0  # still once


def test_the_pre_arrival_email_says_when_the_room_is_ready_and_how_to_get_there(confirmed):
    from hotel.profile import profile_save

    profile_save(
        data={"name": "Harbour View Hotel", "address": "1 Harbour Road", "checkInFrom": "15:00",
              "checkOutUntil": "10:30", "directions": "Take the ferry to the jetty."},
        version=None, actor="mgr", now=NOW,
    )  # fmt: skip
    confirmed(start=-5)
    mail.outbox.clear()
    invitations_send(now=NOW)
    (message,) = mail.outbox
    assert "Your room is ready from 15:00; on the day you leave, please check out by 10:30." in (
        message.body
    )
    assert "Take the ferry to the jetty." in message.body and "1 Harbour Road" in message.body
    assert "Check in online" in message.body


def test_a_stay_booked_for_tomorrow_still_gets_the_pre_arrival_email_once(confirmed):
    booking = confirmed(start=-6)  # arriving the day after NOW: booked too late for +2
    mail.outbox.clear()
    assert invitations_send(now=NOW) == 1
    assert booking.bookingId in mail.outbox[0].subject
    assert invitations_send(now=NOW) == 0


def test_a_stay_moved_after_its_pre_arrival_email_gets_one_before_the_new_arrival(confirmed):
    booking = confirmed(start=-5)  # arriving 2026-03-04
    mail.outbox.clear()
    assert invitations_send(now=NOW) == 1
    booking_change(
        booking_id=booking.bookingId,
        check_in=date(2026, 3, 18),  # two weeks later
        check_out=date(2026, 3, 20),
        actor="guest",
        now=NOW + timedelta(hours=1),
    )
    assert stored(booking).invitedAt is None  # forgotten in the change's own write
    assert invitations_send(now=NOW + timedelta(hours=2)) == 0  # not due yet
    two_days_before = NOW + timedelta(days=14)
    assert invitations_send(now=two_days_before) == 1
    _old, new = [m for m in mail.outbox if m.subject.startswith("Check in online")]
    with translation.override("en"):
        assert format_day(date(2026, 3, 18)) in new.subject
    assert invitations_send(now=two_days_before) == 0  # once for the new arrival too
    assert stored(booking).invitedAt == two_days_before


def test_a_new_check_out_alone_keeps_the_marker_and_no_registration_is_made_for_nothing(
    confirmed, make_room
):
    invited = confirmed(start=-5)
    invitations_send(now=NOW)
    booking_change(booking_id=invited.bookingId, check_out=date(2026, 3, 7), actor="t", now=NOW)
    assert stored(invited).invitedAt == NOW  # the arrival stays: no second email
    assert invitations_send(now=NOW + timedelta(hours=1)) == 0
    make_room(roomId="R-2", capacity=2)
    never = confirmed(start=10, room_id="R-2")
    booking_change(booking_id=never.bookingId, check_in=date(2026, 3, 20), actor="t", now=NOW)
    assert Registration.count(never.bookingId) == 0


def test_an_email_sent_while_the_dates_change_is_forgotten_too(confirmed, monkeypatch):
    from bookings.services import change

    booking = confirmed(start=-5)
    real, reads = change.invitation_read, []

    def stale_first(booking_id):  # the change read before the job wrote its marker
        reads.append(booking_id)
        return None if len(reads) == 1 else real(booking_id)

    invitations_send(now=NOW)
    monkeypatch.setattr(change, "invitation_read", stale_first)
    booking_change(
        booking_id=booking.bookingId,
        check_in=date(2026, 3, 18),
        check_out=date(2026, 3, 20),
        actor="guest",
        now=NOW,
    )
    assert len(reads) >= 2  # refused by its condition, read again
    assert stored(booking).invitedAt is None
    assert Booking.get(booking.bookingId, consistent_read=True).checkIn == "2026-03-18"
