"""The rack by room type (hotel/backoffice/rack.py): unassigned lanes, the month view,
out-of-order rooms, free nights linking to the new-booking form, and moving a stay."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.messages import get_messages
from django.utils import timezone

from bookings.models import Booking
from bookings.services import hotel_today
from hotel.accounts import roles
from hotel.audit.selectors import audit_for_object
from rooms.services import room_set_housekeeping
from tests.conftest import NOW

RACK = "/admin/rack/"
MOVE = "/admin/rooms/booking/"


def today():
    return hotel_today(timezone.now())


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def lane(text: str, title: str) -> str:
    """The HTML of the rack row whose first cell says `title`."""
    rows = re.split(r'(?=<div class="bo-rack-row)', text)
    return next(row for row in rows if f"<strong>{title}</strong>" in row)


def day_columns(text: str) -> int:
    header = re.search(r'bo-rack-head">(.*?)\n    </div>', text, re.S).group(1)
    return header.count('class="bo-rack-day')


def test_bookings_without_a_room_are_stacked_in_their_types_unassigned_lane(
    client_for, rooms, book
):
    first = book(None, room_type="Deluxe", start=1, nights=3, guest_name="Una Typed")
    book(None, room_type="Deluxe", start=2, nights=2, guest_name="Val Typed")
    book("101", start=1, nights=1, guest_name="Roy Roomed")

    page = client_for(roles.FRONT_DESK).get(RACK, {"start": today().isoformat()})

    text = page.content.decode()
    assert page.status_code == 200
    assert first.roomId is None
    unassigned = lane(text, "Unassigned")
    assert "Una Typed" in unassigned and "Val Typed" in unassigned
    assert "Roy Roomed" not in unassigned and "Roy Roomed" in lane(text, "101")
    # Overlapping stays take a sub-row each.
    assert re.search(r"grid-column: 3 / span 3; grid-row: 1\"", unassigned)
    assert re.search(r"grid-column: 4 / span 2; grid-row: 2\"", unassigned)
    assert "<strong>Deluxe</strong>" in text  # the type's heading


def test_the_month_view_has_31_day_columns_and_other_widths_still_work(client_for, rooms):
    desk = client_for(roles.FRONT_DESK)

    month = desk.get(RACK, {"days": "31"}).content.decode()

    assert day_columns(month) == 31 and "--days: 31" in month
    assert lane(month, "101").count("bo-free") == 31  # every night free, every one a link
    assert day_columns(desk.get(RACK, {"days": "7"}).content.decode()) == 7
    default = desk.get(RACK).content.decode()
    assert "--days: 14" in default
    assert "--days: 62" in desk.get(RACK, {"days": "400"}).content.decode()
    assert "--days: 14" in desk.get(RACK, {"days": "many"}).content.decode()


def test_an_out_of_order_rooms_nights_are_drawn_as_such(client_for, rooms):
    room_set_housekeeping(room_id="102", state="out_of_order", actor="hk", now=NOW)

    text = client_for(roles.FRONT_DESK).get(RACK).content.decode()

    broken = lane(text, "102")
    assert broken.count('class="bo-rack-day ooo"') == 14
    assert "bo-free" not in broken  # nothing to book there
    assert 'class="bo-rack-day ooo"' not in lane(text, "101")


def test_a_free_night_links_to_the_new_booking_form_with_room_and_day(client_for, rooms, book):
    book("101", start=0, nights=2, status="confirmed")
    desk = client_for(roles.FRONT_DESK)
    start = today()

    text = desk.get(RACK, {"start": start.isoformat()}).content.decode()

    row = lane(text, "101")
    taken, free = start.isoformat(), (start + timedelta(days=2)).isoformat()
    assert f"roomId=101&amp;checkIn={taken}" not in row  # covered by the stay
    link = f"/admin/bookings/booking/add/?roomId=101&amp;checkIn={free}"
    assert link in row
    form = desk.get(link.replace("&amp;", "&")).context["form"]
    assert form["roomId"].value() == "101"
    assert str(form["checkIn"].value()) == free
    assert str(form["checkOut"].value()) == (start + timedelta(days=3)).isoformat()
    # The type's "Unassigned" lane books a unit of the type on a free night.
    assert f"/admin/bookings/booking/add/?roomType=Deluxe&amp;checkIn={free}" in text
    # A viewer without the right to book sees no links.
    assert "bo-rack-day bo-free" not in client_for(roles.ACCOUNTANT).get(RACK).content.decode()


def test_moving_a_stay_from_the_rack_moves_it_and_a_taken_room_changes_nothing(
    client_for, rooms, book
):
    moving = book(None, room_type="Deluxe", start=1, nights=2, status="confirmed")
    book("103", start=2, nights=1, status="confirmed", guest_name="In The Way")
    desk = client_for(roles.FRONT_DESK)
    back = f"{RACK}?start={today().isoformat()}&days=31"

    page = desk.get(back).content.decode()
    assert f'name="booking_id" value="{moving.bookingId}"' in page
    done = desk.post(
        MOVE, {"booking_id": moving.bookingId, "room_id": "102", "pinned": "1", "next": back}
    )

    assert done.status_code == 302 and done["Location"] == back
    stored = Booking.get(moving.bookingId, consistent_read=True)
    assert (stored.roomId, stored.roomPinned) == ("102", True)
    assert any("is in room 102, pinned" in m for m in messages_of(done))
    entry = audit_for_object(object_type="bookings.booking", object_id=moving.bookingId)[0]
    assert entry.action == "room:assign" and entry.actor == desk.user.email

    refused = desk.post(MOVE, {"booking_id": moving.bookingId, "room_id": "103", "next": back})

    assert refused.status_code == 302
    assert any("not free" in m and "Nothing was changed" in m for m in messages_of(refused))
    assert Booking.get(moving.bookingId, consistent_read=True).roomId == "102"


def test_moving_needs_the_right_to_change_bookings(client_for, rooms, book):
    booking = book(None, room_type="Deluxe", start=1, nights=2, status="confirmed")

    response = client_for(roles.ACCOUNTANT).post(
        MOVE, {"booking_id": booking.bookingId, "room_id": "101"}
    )

    assert response.status_code == 403
    assert Booking.get(booking.bookingId, consistent_read=True).roomId is None
