"""The cart (hotel/site/cart.py): combinations offered on the results for a party no room
holds, "Book these" and "Add to my rooms" filling a signed-cookie cart, the cart page with
each room's price and the total, removing a room. Django's test client, the real clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import signing

from bookings.models import Booking
from bookings.services import booking_create
from hotel.site.cart_state import COOKIE, SALT, Cart, CartRoom, cart_load

from .pages import html, stay


@pytest.fixture
def hotel(make_room):
    """Three Standard (2 guests, 4,500), three Deluxe (3 guests, 7,000): no room for five."""
    for n in range(3):
        make_room(roomId=f"S-{n}", roomType="Standard", capacity=2, pricePerNight=450000)
        make_room(roomId=f"D-{n}", roomType="Deluxe", capacity=3, pricePerNight=700000)


def family(**extra) -> dict:
    return {**stay(), "adults": 2, "children": 3, "age_1": 4, "age_2": 7, "age_3": 9, **extra}


def cart_of(client) -> Cart:
    raw = client.cookies[COOKIE].value
    return cart_load(signing.loads(raw, salt=SALT))


def room_values(page: str) -> list[list[str]]:
    """The "Book these" forms' rooms, one list per combination."""
    forms = page.split('action="/cart/combination"')[1:]
    return [re.findall(r'name="room" value="([^"]+)"', f.split("</form>")[0]) for f in forms]


def test_a_family_of_five_is_offered_combinations_not_no_rooms(client, hotel):
    page = html(client.get("/search", family()))
    assert "No rooms are free" not in page
    assert 'data-testid="combinations"' in page
    assert "No single room takes 2 adults, 3 children" in page
    assert "1 × Deluxe + 1 × Standard" in page
    assert "2 × Deluxe" in page
    first = room_values(page)[0]
    assert [v.split("|")[0] for v in first] == ["Deluxe", "Standard"]
    assert page.count("Book these") == len(room_values(page)) <= 4


def test_nine_guests_get_three_rooms_or_more(client, hotel):
    page = html(client.get("/search", {**stay(), "adults": 9}))
    assert "No rooms are free" not in page
    assert "3 × Deluxe" in page
    assert all(len(rooms) >= 3 for rooms in room_values(page))


def test_a_party_beyond_what_is_left_still_says_no_rooms(client, hotel):
    page = html(client.get("/search", {**stay(), "adults": 12}))  # 15 beds, 12 adults: fine
    assert "No rooms are free" not in page
    page = html(
        client.get(
            "/search",
            {**stay(), "adults": 12, "children": 4, **{f"age_{n}": 5 for n in range(1, 5)}},
        )
    )  # 16 guests, 15 beds
    assert "No rooms are free" in page
    assert "Book these" not in page


def test_book_these_fills_the_cart_and_the_cart_lists_each_price_and_the_total(client, hotel):
    page = html(client.get("/search", family()))
    rooms = room_values(page)[0]
    dates = stay()
    response = client.post("/cart/combination", {**dates, "promo_code": "", "room": rooms})
    assert response.status_code == 302 and response["Location"] == "/cart"
    cart = cart_of(client)
    assert [r.room_type for r in cart.rooms] == ["Deluxe", "Standard"]
    assert sum(r.adults for r in cart.rooms) == 2
    assert sorted(a for r in cart.rooms for a in r.children_ages) == [4, 7, 9]
    page = html(client.get("/cart"))
    assert page.count('data-testid="cart-line"') == 2
    assert "Room 1: Deluxe" in page and "Room 2: Standard" in page
    totals = re.findall(r'data-testid="line-total">₹([\d,]+\.\d\d)<', page)
    [total] = re.findall(r'data-testid="cart-total">₹([\d,]+\.\d\d)<', page)
    amount = lambda s: int(s.replace(",", "").replace(".", ""))  # noqa: E731
    assert len(totals) == 2 and sum(map(amount, totals)) == amount(total)
    assert 'for="id_guest_name_2"' in page and "Guest in room 2 (optional)" in page


def test_add_to_my_rooms_from_the_results_and_remove_one(client, hotel):
    query = {**stay(), "adults": 2}
    page = html(client.get("/search", query))
    assert page.count("Add to my rooms") == 2  # one per offer (Standard, Deluxe under FLEX)
    form = {**query, "children": 0, "room_type": "Standard", "rate_plan": "FLEX"}
    back = "/search?" + "&".join(f"{k}={v}" for k, v in query.items())
    response = client.post("/cart/add", {**form, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    client.post("/cart/add", {**form, "room_type": "Deluxe", "adults": 3, "next": back})
    page = html(client.get(back))
    assert 'data-testid="cart-banner"' in page and "2 rooms chosen" in page
    assert [r.room_type for r in cart_of(client).rooms] == ["Standard", "Deluxe"]
    client.post("/cart/remove", {"index": 0})
    assert [r.room_type for r in cart_of(client).rooms] == ["Deluxe"]
    client.post("/cart/remove", {"index": 0})
    assert 'data-testid="cart-empty"' in html(client.get("/cart"))


def test_other_dates_start_a_new_cart_and_six_rooms_is_the_most(client, hotel):
    dates = stay()
    form = {**dates, "adults": 1, "children": 0, "room_type": "Standard", "rate_plan": "FLEX"}
    for _ in range(7):
        client.post("/cart/add", form)
    assert len(cart_of(client).rooms) == 6
    later = stay(offset=40)
    client.post("/cart/add", {**form, **later})
    cart = cart_of(client)
    assert len(cart.rooms) == 1 and cart.check_in == date.fromisoformat(later["check_in"])


def test_an_unsafe_next_goes_to_the_cart_and_bad_input_adds_nothing(client, hotel):
    form = {**stay(), "adults": 1, "room_type": "Standard", "next": "https://evil.test/"}
    assert client.post("/cart/add", form)["Location"] == "/cart"
    assert client.post("/cart/add", {**form, "adults": 0})["Location"] == "/cart"
    assert len(cart_of(client).rooms) == 1
    response = client.post("/cart/combination", {**stay(), "room": ["Deluxe|FLEX|x|"]})
    assert response["Location"] == "/search"


def test_a_forged_or_stale_cookie_is_an_empty_cart(client, hotel):
    client.cookies[COOKIE] = "eyJpbiI6IjIwMjctMDEtMDEifQ:forged"
    assert 'data-testid="cart-empty"' in html(client.get("/cart"))
    assert cart_load({"in": "2027-01-01", "out": "x", "rooms": []}) == Cart()
    assert (
        cart_load({"in": "2027-01-01", "out": "2027-01-02", "rooms": [["D", None, 0, []]]})
        == Cart()
    )


def test_a_room_that_cannot_be_had_says_why_on_the_cart_page(client, hotel):
    check_in = date.today() + timedelta(days=30)
    cart = Cart(check_in, check_in + timedelta(days=2), "", (CartRoom("Standard", "FLEX", 4),))
    client.cookies[COOKIE] = signing.dumps(cart.dump(), salt=SALT, compress=True)
    page = html(client.get("/cart"))
    assert "takes up to 2 guests" in page
    response = client.post("/cart", {"name": "Ada", "email": "ada@guest.test"})
    assert response.status_code == 400
    assert "Remove the rooms that cannot be booked first." in html(response)


# --- booking the cart -------------------------------------------------------------------------


def fill_family_cart(client) -> list[str]:
    rooms = room_values(html(client.get("/search", family())))[0]
    client.post("/cart/combination", {**stay(), "room": rooms})
    return rooms


def test_booking_the_cart_holds_every_room_as_one_reservation(client, hotel):
    fill_family_cart(client)
    response = client.post(
        "/cart",
        {"name": "Ada Guest", "email": "ada@guest.test", "guest_name_2": "Byron Guest"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/reservation/RS-")
    assert client.cookies[COOKIE].value == ""  # the cart is spent
    reference = response["Location"].split("/")[2].split(":")[0]
    bookings = [b for b in Booking.scan() if b.reservationId == reference]
    assert sorted((b.roomType, b.adults, len(b.childrenAges or [])) for b in bookings) == [
        ("Deluxe", 1, 2),
        ("Standard", 1, 1),
    ]
    assert {b.guestName for b in bookings} == {"Ada Guest", "Byron Guest"}
    assert {b.source for b in bookings} == {"web"}
    page = html(client.get(response["Location"]))
    assert page.count('data-testid="stay"') == 2
    assert page.count(f"{response['Location']}pay") == 1  # one payment for every room
    total = sum(b.totalPrice for b in bookings)
    assert f"₹{total // 100:,}.{total % 100:02d}" in page


def test_when_a_room_went_meanwhile_nothing_is_booked_and_the_cart_stays(client, hotel):
    fill_family_cart(client)
    dates = {k: date.fromisoformat(v) for k, v in stay().items()}
    for n in range(3):  # every Standard goes to someone else
        booking_create(
            room_type="Standard",
            check_in=dates["check_in"],
            check_out=dates["check_out"],
            guests=1,
            guest_name=f"Other {n}",
            guest_email=f"other{n}@guest.test",
            actor="t",
            now=datetime.now(UTC),
        )
    response = client.post("/cart", {"name": "Ada Guest", "email": "ada@guest.test"})
    assert response.status_code == 400
    assert "none was booked" in html(response)
    assert not [b for b in Booking.scan() if b.reservationId]
    assert len(cart_of(client).rooms) == 2


def test_the_booker_form_asks_for_what_is_missing(client, hotel):
    fill_family_cart(client)
    response = client.post("/cart", {"name": "", "email": "not-an-email"})
    assert response.status_code == 400
    page = html(response)
    assert 'id="id_name_error"' in page and 'id="id_email_error"' in page
    assert not list(Booking.scan())


def test_a_reservation_page_needs_its_signed_link(client, hotel):
    fill_family_cart(client)
    location = client.post("/cart", {"name": "Ada Guest", "email": "ada@guest.test"})["Location"]
    reference = location.split("/")[2].split(":")[0]
    assert client.get(f"/reservation/{reference}/").status_code == 404
    assert client.get(f"/reservation/{reference}:forged/").status_code == 404
    assert client.get(location).status_code == 200


def test_offering_combinations_reads_the_same_whatever_the_rooms(
    client, hotel, make_room, monkeypatch
):
    """The combinations come from the counters and the rate calendar the search reads: no
    read per room, per type or per combination (the catalog is this process's copy)."""
    import botocore.client

    calls: list[str] = []
    real = botocore.client.BaseClient._make_api_call

    def spy(self, operation, params):
        calls.append(operation)
        return real(self, operation, params)

    def reads() -> list[str]:
        client.get("/search", family())  # the catalog copy is filled (or refreshed) here
        calls.clear()
        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", spy)
        page = html(client.get("/search", family()))
        monkeypatch.undo()
        assert "Book these" in page
        return sorted(calls)

    few = reads()
    for n in range(3, 9):
        make_room(roomId=f"S-{n}", roomType="Standard", capacity=2, pricePerNight=450000)
        make_room(roomId=f"D-{n}", roomType="Deluxe", capacity=3, pricePerNight=700000)
    make_room(roomId="X-1", roomType="Suite", capacity=2, pricePerNight=500000)
    assert reads() == few
    assert "Scan" not in few


def test_a_combination_for_past_dates_is_refused(client, hotel):
    past = date.today() - timedelta(days=3)
    form = {"check_in": past, "check_out": past + timedelta(days=2), "room": ["Deluxe|FLEX|1|"]}
    assert client.post("/cart/combination", form)["Location"] == "/search"
    assert COOKIE not in client.cookies
