"""The front desk's bookings admin: index-backed list, booking page, lifecycle, walk-ins, roles."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from bookings.models import Booking, RoomNight
from bookings.services import hotel_today
from hotel.accounts import roles
from hotel.admin_site import site
from hotel.audit.selectors import audit_for_object
from rooms.models import Room
from tests.helpers import next_link, room_ids

LIST = "/admin/bookings/booking/"
ADD = LIST + "add/"
STATUS_INDEX = ("query", "status-checkIn-lean-index")
GUEST_INDEX = ("query", "guestEmail-createdAt-keys-index")


def page(booking_id: str, view: str = "change") -> str:
    return f"{LIST}{booking_id}/{view}/"


def day(offset: int) -> str:
    return (hotel_today(timezone.now()) + timedelta(days=offset)).isoformat()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def settle(client, booking) -> None:
    """Take what the guest owes in cash from the booking page's bill."""
    amount = f"{booking.totalPrice / 100:.2f}"
    url = page(booking.bookingId, "folio/payment")
    assert client.post(url, {"amount": amount, "method": "cash"}).status_code == 302


@pytest.fixture
def rooms(make_room):
    make_room(roomId="101", roomType="Deluxe", capacity=2, pricePerNight=10000)
    make_room(roomId="102", roomType="Suite", capacity=4, pricePerNight=20000)


@pytest.fixture
def front_desk(client_for):
    return client_for(roles.FRONT_DESK)


# --- the list ------------------------------------------------------------------------------------


def test_the_list_opens_on_todays_confirmed_arrivals(front_desk, rooms, book, booking_reads):
    arriving = book("101", start=0, status="confirmed")
    book("102", start=0)  # pending
    book("102", start=3, status="confirmed")

    response = front_desk.get(LIST)

    assert response.status_code == 200
    assert room_ids(response.content) == [arriving.bookingId]
    assert booking_reads == [STATUS_INDEX]
    assert b'data-read="query:status-checkIn-lean-index"' in response.content


def test_the_list_reads_the_lean_index_s_bookings_once(front_desk, rooms, book):
    """The status index is lean: its query fetches whole bookings itself (one BatchGetItem
    for the page); the list must not fetch them a second time."""
    from bench.capacity import CapacityMeter

    for room in ("101", "102"):
        book(room, start=0, status="confirmed")
    with CapacityMeter() as meter:
        response = front_desk.get(LIST)
    assert response.status_code == 200 and len(room_ids(response.content)) == 2
    assert meter.calls["BatchGetItem"] == 1


def test_the_list_shows_the_front_desk_columns(front_desk, rooms, book):
    booking = book("101", start=0, status="confirmed", guest_name="Grace Hopper")

    text = front_desk.get(LIST).content.decode()

    for value in (booking.bookingId, "Grace Hopper", "101", "Confirmed", "₹224.00", "API"):
        assert value in text
    assert 'class="field-nights">2<' in text


def test_status_and_arrival_range_are_one_key_condition(front_desk, rooms, book, booking_reads):
    soon = book("101", start=2)
    book("101", start=10)
    book("102", start=2, status="cancelled")

    response = front_desk.get(
        LIST, {"status": "pending", "arrival__gte": day(1), "arrival__lte": day(5)}
    )

    assert room_ids(response.content) == [soon.bookingId]
    assert booking_reads == [STATUS_INDEX]


def test_an_arrival_date_alone_queries_each_status_never_scans(
    front_desk, rooms, book, booking_reads
):
    pending = book("101", start=4)
    confirmed = book("102", start=4, status="confirmed")
    book("101", start=9)

    response = front_desk.get(LIST, {"arrival__gte": day(4), "arrival__lte": day(4)})

    assert sorted(room_ids(response.content)) == sorted([pending.bookingId, confirmed.bookingId])
    assert set(booking_reads) == {STATUS_INDEX}
    assert len(booking_reads) == 7  # one Query per status partition


def test_departures_filter_an_index_query(front_desk, rooms, book, booking_reads):
    leaving = book("101", start=0, nights=1, status="checked-in")
    book("102", start=0, nights=3, status="checked-in")

    response = front_desk.get(
        LIST, {"status": "checked-in", "departure__gte": day(1), "departure__lte": day(1)}
    )

    assert room_ids(response.content) == [leaving.bookingId]
    assert booking_reads == [STATUS_INDEX]


def test_a_guest_email_filter_queries_the_guest_index(front_desk, rooms, book, booking_reads):
    mine = book("101", guest_email="grace@guest.test", status="confirmed")
    book("102", guest_email="other@guest.test", status="confirmed")

    response = front_desk.get(LIST, {"guestEmail": "Grace@Guest.test", "status": "confirmed"})

    assert room_ids(response.content) == [mine.bookingId]
    assert booking_reads == [GUEST_INDEX]


def test_search_by_booking_id_is_a_get(front_desk, rooms, book, booking_reads):
    booking = book("101")
    book("102")

    response = front_desk.get(LIST, {"q": booking.bookingId.lower()})

    assert room_ids(response.content) == [booking.bookingId]
    assert booking_reads == []
    assert b'data-read="get"' in response.content


def test_search_by_email_queries_the_guest_index(front_desk, rooms, book, booking_reads):
    first = book("101", start=1, guest_email="grace@guest.test")
    second = book("101", start=5, guest_email="grace@guest.test", status="cancelled")
    book("102", guest_email="other@guest.test")

    response = front_desk.get(LIST, {"q": " GRACE@guest.test "})

    assert sorted(room_ids(response.content)) == sorted([first.bookingId, second.bookingId])
    assert booking_reads == [GUEST_INDEX]


def test_search_by_part_of_a_name_finds_any_case_without_a_scan(
    front_desk, rooms, book, booking_reads
):
    grace = book("101", guest_name="Grace Hopper", guest_email=None, source="front_desk")
    book("102", guest_name="Ada Lovelace")

    response = front_desk.get(LIST, {"q": "hopper"})

    assert room_ids(response.content) == [grace.bookingId]
    assert ("scan", None) not in booking_reads


@pytest.mark.parametrize(
    "params",
    [
        {"arrival__gte": "tomorrow"},
        {"arrival__gte": "2026-05-02", "arrival__lte": "2026-05-01"},
        {"departure__lte": "9" * 300},
        {"status": "sleeping"},
        {"guestEmail": "x" * 500},
        {"cursor": "not-a-cursor"},
        {"q": "\x00"},
    ],
)
def test_odd_list_parameters_are_messages(front_desk, rooms, book, params):
    book("101", start=0, status="confirmed")

    response = front_desk.get(LIST, params)

    assert response.status_code == 200


def test_next_links_walk_a_fan_out_exactly_once(front_desk, rooms, book, monkeypatch):
    monkeypatch.setattr(site.get_model_admin(Booking), "list_per_page", 2)
    expected = {
        book("101", start=3, nights=1).bookingId,
        book("101", start=4, nights=1, status="confirmed").bookingId,
        book("102", start=3, nights=1, status="confirmed").bookingId,
        book("102", start=4, nights=1, status="checked-in").bookingId,
        book("101", start=5, nights=1, status="cancelled").bookingId,
    }
    seen: list[str] = []
    response = front_desk.get(LIST, {"arrival__gte": day(3), "arrival__lte": day(5)})
    while True:
        seen += room_ids(response.content)
        link = next_link(response.content)
        if link is None:
            break
        response = front_desk.get(LIST + link)

    assert sorted(seen) == sorted(expected)


# --- the booking page ----------------------------------------------------------------------------


def test_the_booking_page_shows_nights_price_and_audit(front_desk, rooms, book):
    booking = book("101", start=3)

    text = front_desk.get(page(booking.bookingId)).content.decode()

    nights = text.split('id="booking-nights"')[1].split('id="booking-price"')[0]
    assert nights.count("On hold until") == 2
    price = text.split('id="booking-price"')[1].split('id="booking-audit"')[0]
    assert price.count("Room price") == 2
    assert price.count("₹100.00") == 2
    for label, amount in (("Subtotal", "₹200.00"), ("Tax", "₹24.00"), ("Total", "₹224.00")):
        assert re.search(rf"{label}</th><td class=\"amount\">{re.escape(amount)}<", price)
    audit = text.split('id="booking-audit"')[1]
    assert "factory@staff.test" in audit and "Create" in audit
    assert page(booking.bookingId, "history") in audit


def test_confirming_keeps_the_nights_and_shows_in_the_audit_trail(front_desk, rooms, book):
    booking = book("101", start=3)

    response = front_desk.post(
        page(booking.bookingId, "actions"),
        {
            "action": "confirm",
            "post": "yes",
            "paid_method": "cash",
            f"amount-{booking.bookingId}": "0",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == page(booking.bookingId)
    stored = Booking.get(booking.bookingId)
    assert (stored.status, stored.expiresAt) == ("confirmed", None)
    text = front_desk.get(page(booking.bookingId)).content.decode()
    nights = text.split('id="booking-nights"')[1].split('id="booking-price"')[0]
    assert nights.count(">Held<") == 2
    assert "Status → Confirmed" in text.split('id="booking-audit"')[1]
    [entry, _] = audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)
    assert entry.actor == front_desk.user.email


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        ("pending", ["confirm", "cancel"]),
        ("confirmed", ["check_in", "cancel", "no_show"]),
        ("checked-in", ["check_out"]),
        ("checked-out", []),
        ("cancelled", []),
    ],
)
def test_only_the_transitions_allowed_from_the_status_are_offered(
    front_desk, rooms, book, status, offered
):
    booking = book("101", status=status)

    response = front_desk.get(page(booking.bookingId))

    assert [name for name, _ in response.context["object_actions"]] == offered
    for name in offered:
        assert f'name="action" value="{name}"'.encode() in response.content


def test_check_in_and_check_out_change_the_room(front_desk, rooms, book):
    booking = book("101", start=0, status="confirmed")

    front_desk.post(page(booking.bookingId, "actions"), {"action": "check_in"})

    assert Booking.get(booking.bookingId).status == "checked-in"
    assert Room.get("101").status == "occupied"
    settle(front_desk, booking)  # no check-out with money owed (payments.folio.checkout)

    response = front_desk.post(page(booking.bookingId, "actions"), {"action": "check_out"})

    assert Booking.get(booking.bookingId).status == "checked-out"
    room = Room.get("101")
    assert (room.status, room.housekeeping) == ("available", "dirty")
    assert RoomNight.count("101") == 0
    assert f"Checked out: {booking.bookingId}." in messages_of(response)


@pytest.mark.parametrize("action", ["check_out", "no_show", "drop_table", ""])
def test_a_forged_transition_is_a_message_not_an_error(front_desk, rooms, book, action):
    booking = book("101", start=3)

    response = front_desk.post(page(booking.bookingId, "actions"), {"action": action}, follow=True)

    assert response.status_code == 200
    assert messages_of(response)
    assert Booking.get(booking.bookingId).status == "pending"


def test_confirming_an_expired_hold_explains_why(front_desk, rooms, book):
    booking = book("101", start=3, now=timezone.now() - timedelta(days=3))

    response = front_desk.post(
        page(booking.bookingId, "actions"),
        {"action": "confirm", "post": "yes", "paid_method": "cash"},
        follow=True,
    )

    assert response.status_code == 200
    [message] = messages_of(response)
    assert message.startswith(f"Not confirmed: {booking.bookingId}: The hold on")
    assert Booking.get(booking.bookingId).status == "pending"
    assert b"Hold expired at" in response.content


def test_an_action_on_a_missing_booking_redirects(front_desk):
    response = front_desk.post(page("BK-NOPE", "actions"), {"action": "confirm"})

    assert response.status_code == 302
    assert response["Location"] == LIST


# --- change dates / move room --------------------------------------------------------------------


def stay_form(booking, **overrides) -> dict:
    data = {
        "checkIn": booking.checkIn,
        "checkOut": booking.checkOut,
        "roomId": booking.roomId,
        "_version": str(booking.version),
    }
    data.update(overrides)
    return data


def test_changing_dates_and_room_reprices_and_moves_the_nights(front_desk, rooms, book):
    booking = book("101", start=3, status="confirmed")

    response = front_desk.post(
        page(booking.bookingId),
        stay_form(booking, checkIn=day(4), checkOut=day(7), roomId="102"),
    )

    assert response.status_code == 302
    assert response["Location"] == page(booking.bookingId)
    stored = Booking.get(booking.bookingId)
    assert (stored.roomId, stored.checkIn, stored.checkOut) == ("102", day(4), day(7))
    assert stored.totalPrice == 3 * 20000 * 112 // 100
    assert RoomNight.count("101") == 0
    assert sorted(n.night for n in RoomNight.query("102")) == [day(4), day(5), day(6)]
    follow = front_desk.get(response["Location"])
    assert "Changed dates / room" in follow.content.decode()


def test_moving_onto_taken_nights_changes_nothing(front_desk, rooms, book):
    booking = book("101", start=3, status="confirmed")
    book("102", start=4)

    response = front_desk.post(page(booking.bookingId), stay_form(booking, roomId="102"))

    assert response.status_code == 200
    [error] = response.context["non_field_errors"]
    assert "not free" in error and "nothing was changed" in error
    stored = Booking.get(booking.bookingId)
    assert (stored.roomId, stored.version) == ("101", booking.version)
    assert RoomNight.count("101") == 2


def test_a_past_check_in_is_a_field_error(front_desk, rooms, book):
    booking = book("101", start=3)

    response = front_desk.post(page(booking.bookingId), stay_form(booking, checkIn=day(-2)))

    assert response.status_code == 200
    assert "past" in response.context["form"].errors["checkIn"][0]
    assert Booking.get(booking.bookingId).checkIn == booking.checkIn


def test_too_many_guests_for_the_new_room_is_shown_on_the_room(front_desk, make_room, rooms, book):
    make_room(roomId="103", capacity=1)
    booking = book("101", start=3)

    response = front_desk.post(page(booking.bookingId), stay_form(booking, roomId="103"))

    assert "Between 1 and 1" in response.context["form"].errors["roomId"][0]


def test_a_stale_change_is_refused(front_desk, rooms, book):
    booking = book("101", start=3)

    response = front_desk.post(
        page(booking.bookingId), stay_form(booking, checkIn=day(4), _version="99")
    )

    assert b"Someone else changed this booking" in response.content
    assert Booking.get(booking.bookingId).checkIn == booking.checkIn


def test_a_new_price_while_a_payment_is_open_is_refused(front_desk, rooms, book):
    """Staff's change meets the guest's rule: no re-pricing under an open (3-D Secure) payment."""
    from payments.services import payment_create
    from tests.payments.conftest import THREE_D_SECURE, StripeSide

    booking = book("101", start=3)
    attempt = payment_create(
        booking_id=booking.bookingId,
        amount=booking.totalPrice,
        currency=booking.currency,
        payment_method_id=StripeSide().card(THREE_D_SECURE),
        actor="guest",
        now=timezone.now(),
    )
    assert attempt.payment.status == "requires_action"
    current = Booking.get(booking.bookingId, consistent_read=True)

    response = front_desk.post(page(booking.bookingId), stay_form(current, checkOut=day(8)))

    assert response.status_code == 200
    [error] = response.context["non_field_errors"]
    assert "payment for this booking is under way" in error
    stored = Booking.get(booking.bookingId, consistent_read=True)
    assert (stored.checkOut, stored.totalPrice) == (booking.checkOut, booking.totalPrice)


def test_a_checked_in_booking_has_no_stay_form(front_desk, rooms, book):
    booking = book("101", start=0, status="checked-in")

    response = front_desk.get(page(booking.bookingId))
    forged = front_desk.post(page(booking.bookingId), stay_form(booking, checkIn=day(1)))

    assert b"View booking" in response.content
    assert b'name="checkIn"' not in response.content
    assert b"Change dates / move room" not in response.content
    assert forged.status_code == 302
    assert Booking.get(booking.bookingId).checkIn == booking.checkIn


# --- walk-in and phone bookings ------------------------------------------------------------------


def walk_in(**overrides) -> dict:
    data = {
        "roomId": "101",
        "checkIn": day(0),
        "checkOut": day(2),
        "guests": "2",
        "guestName": "Walk In",
        "guestEmail": "",
        "guestPhone": "+91 98765 43210",
        "notes": "Late arrival",
    }
    data.update(overrides)
    return data


def test_the_add_form_offers_rooms_and_defaults_to_tonight(front_desk, rooms):
    response = front_desk.get(ADD)

    form = response.context["form"]
    groups = dict(form.fields["roomId"].choices)
    assert [value for value, _ in groups["Rooms"]] == ["101", "102"]
    # A unit of each type with rooms, the room assigned later.
    assert [value for value, _ in groups["Room types"]] == ["type:Deluxe", "type:Suite"]
    assert str(form["checkIn"].value()) == day(0)
    assert not form.fields["guestEmail"].required


def test_a_walk_in_can_take_a_unit_of_a_type_without_a_room(front_desk, rooms):
    response = front_desk.post(ADD, walk_in(roomId="type:Deluxe"))

    [booking] = list(Booking.scan())
    assert response.status_code == 302
    assert (booking.roomType, booking.roomId, booking.roomPinned) == ("Deluxe", None, None)
    prefilled = front_desk.get(ADD, {"roomType": "Deluxe", "checkIn": day(1)})
    assert prefilled.context["form"]["roomId"].value() == "type:Deluxe"


def test_a_walk_in_without_email_is_held_and_its_page_opens(front_desk, rooms):
    response = front_desk.post(ADD, walk_in())

    [booking] = list(Booking.scan())
    assert response.status_code == 302
    assert response["Location"] == page(booking.bookingId)
    assert (booking.status, booking.source, booking.guestEmail) == ("pending", "front_desk", None)
    assert (booking.guestPhone, booking.notes) == ("+91 98765 43210", "Late arrival")
    [message] = messages_of(front_desk.get(response["Location"]))
    assert booking.bookingId in message and "The hold expires at" in message
    [entry] = audit_for_object(object_type="bookings.booking", object_id=booking.bookingId)
    assert entry.actor == front_desk.user.email


def test_a_walk_in_paid_at_the_desk_is_confirmed_at_once(front_desk, rooms):
    front_desk.post(ADD, walk_in(confirm_now="on"))

    [booking] = list(Booking.scan())
    assert (booking.status, booking.expiresAt) == ("confirmed", None)


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"guests": "3"}, "guests", "Between 1 and 2"),
        ({"checkIn": day(-1)}, "checkIn", "past"),
        ({"checkOut": day(0)}, "checkOut", "after check-in"),
        ({"guestName": ""}, "guestName", "required"),
        ({"guestEmail": "not-an-email"}, "guestEmail", "valid email"),
        ({"guestPhone": "call me"}, "guestPhone", "phone number"),
        ({"roomId": "999"}, "roomId", "valid choice"),
        ({"checkIn": "soon"}, "checkIn", "valid date"),
    ],
)
def test_walk_in_mistakes_are_shown_on_the_form(front_desk, rooms, overrides, field, text):
    response = front_desk.post(ADD, walk_in(**overrides))

    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors[field])
    assert Booking.count() == 0


def test_a_walk_in_for_a_taken_room_is_a_clear_error(front_desk, rooms, book):
    book("101", start=1)

    response = front_desk.post(ADD, walk_in())

    assert response.status_code == 200
    assert "already booked" in response.context["non_field_errors"][0]
    assert Booking.count() == 1


# --- list actions --------------------------------------------------------------------------------


def test_bulk_confirm_reports_each_success_and_failure(front_desk, rooms, book):
    first = book("101", start=1)
    second = book("102", start=1)
    in_house = book("101", start=5, status="checked-in")

    response = front_desk.post(
        LIST,
        {
            "action": "confirm",
            "post": "yes",
            "paid_method": "cash",
            "_selected_action": [first.bookingId, second.bookingId, in_house.bookingId],
        },
        follow=True,
    )

    done, failed = messages_of(response)
    assert done.startswith("Confirmed: ") and first.bookingId in done and second.bookingId in done
    assert failed.startswith(f"Not confirmed: {in_house.bookingId}: A checked-in booking")
    assert Booking.get(first.bookingId).status == "confirmed"
    assert Booking.get(in_house.bookingId).status == "checked-in"


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("check_in", "confirmed", "checked-in"),
        ("check_out", "checked-in", "checked-out"),
        ("cancel", "pending", "cancelled"),
        ("cancel", "confirmed", "cancelled"),
        ("no_show", "confirmed", "no-show"),
    ],
)
def test_each_list_action_moves_the_selected_bookings(
    front_desk, rooms, book, action, before, after
):
    booking = book("101", start=0, status=before)
    data = {"action": action, "_selected_action": [booking.bookingId]}
    if action == "cancel":  # confirmed on its page, which showed no refund (nothing paid)
        data.update({"post": "yes", f"quoted-{booking.bookingId}": "0"})
    if action == "check_out":
        settle(front_desk, booking)

    response = front_desk.post(LIST, data)

    assert response.status_code == 302
    assert Booking.get(booking.bookingId).status == after


def test_bookings_cannot_be_deleted(admin_client, rooms, book):
    booking = book("101")

    page_response = admin_client.get(page(booking.bookingId))

    assert b"deletelink" not in page_response.content
    assert admin_client.get(page(booking.bookingId, "delete")).status_code == 403
    assert admin_client.post(page(booking.bookingId, "delete"), {"post": "yes"}).status_code == 403
    assert Booking.count() == 1


# --- who may do what -----------------------------------------------------------------------------

MANAGER, FRONT_DESK, HOUSEKEEPING, ACCOUNTANT = (
    roles.MANAGER,
    roles.FRONT_DESK,
    roles.HOUSEKEEPING,
    roles.ACCOUNTANT,
)
ALL = (MANAGER, FRONT_DESK, HOUSEKEEPING, ACCOUNTANT)
STAFF = {MANAGER: 302, FRONT_DESK: 302, HOUSEKEEPING: 403, ACCOUNTANT: 403}

# (name, method, view, data, expected status per role); "{id}" is a pending booking.
MATRIX = [
    ("list", "get", LIST, None, {**dict.fromkeys(ALL, 200), HOUSEKEEPING: 403}),
    ("page", "get", page("{id}"), None, {**dict.fromkeys(ALL, 200), HOUSEKEEPING: 403}),
    (
        "history",
        "get",
        page("{id}", "history"),
        None,
        {**dict.fromkeys(ALL, 200), HOUSEKEEPING: 403},
    ),
    ("add form", "get", ADD, None, {**STAFF, MANAGER: 200, FRONT_DESK: 200}),
    ("add", "post", ADD, walk_in(checkIn=day(20), checkOut=day(21)), STAFF),
    # Confirm (paid at desk) answers its page (200): what was taken, then the confirm.
    (
        "list action",
        "post",
        LIST,
        {"action": "confirm", "_selected_action": ["{id}"]},
        {**STAFF, MANAGER: 200, FRONT_DESK: 200},
    ),
    # Cancel answers its confirmation page (200) to those who may cancel (accountants too).
    (
        "page action",
        "post",
        page("{id}", "actions"),
        {"action": "cancel"},
        {**STAFF, MANAGER: 200, FRONT_DESK: 200, ACCOUNTANT: 200},
    ),
    (
        "page check-in",
        "post",
        page("{id}", "actions"),
        {"action": "check_in"},
        {**STAFF, MANAGER: 302, FRONT_DESK: 302},
    ),
    (
        "change stay",
        "post",
        page("{id}"),
        {"checkIn": day(8), "checkOut": day(9), "roomId": "101", "_version": "1"},
        STAFF,
    ),
    ("delete", "get", page("{id}", "delete"), None, dict.fromkeys(ALL, 403)),
]


@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize(
    ("name", "method", "url", "data", "expected"), MATRIX, ids=[m[0] for m in MATRIX]
)
def test_role_matrix(client_for, rooms, book, role, name, method, url, data, expected):
    booking = book("101", start=7)
    client = client_for(role)
    data = {
        k: [x.replace("{id}", booking.bookingId) for x in v] if isinstance(v, list) else v
        for k, v in (data or {}).items()
    }

    response = getattr(client, method)(url.replace("{id}", booking.bookingId), data)

    assert response.status_code == expected[role]


def test_the_accountant_sees_bookings_with_only_the_cancel_and_no_forms(client_for, rooms, book):
    booking = book("101", status="confirmed")
    client = client_for(ACCOUNTANT)

    listing = client.get(LIST, {"status": "confirmed"})
    detail = client.get(page(booking.bookingId))

    assert booking.bookingId.encode() in listing.content
    assert b"Add booking" not in listing.content
    assert b'<option value="cancel">' in listing.content
    assert b'value="check_in"' not in listing.content
    assert b"View booking" in detail.content
    assert b'name="action" value="cancel"' in detail.content  # the refunding cancel
    assert b'value="check_in"' not in detail.content and b'value="no_show"' not in detail.content
    assert b'name="checkIn"' not in detail.content
    assert b"Price breakdown" in detail.content


@pytest.mark.parametrize(
    ("role", "bookings", "rates"),
    [
        (MANAGER, True, True),
        (FRONT_DESK, True, True),
        (ACCOUNTANT, True, False),
        (HOUSEKEEPING, False, False),
    ],
)
def test_the_index_lists_bookings_and_rate_rules_by_role(client_for, role, bookings, rates):
    response = client_for(role).get("/admin/")

    assert (b"/admin/bookings/booking/" in response.content) is bookings
    assert (b"/admin/bookings/rateruleitem/" in response.content) is rates
